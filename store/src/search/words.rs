//! Where words begin and end in Dutch text as people write it: runs of letters and digits,
//! and words joined by a hyphen, `&`, `×` or an apostrophe (`re-integratie`, `B&W`, `p×q`,
//! `zzp'er`) give their parts and the whole written without the joining mark — so that
//! `re-integratie` meets `reintegratie`, `zij-instromers` meets `zijinstromers` and `B&W`
//! is one word `bw`, not two stray letters. An apostrophe before a plain `s` (`regio's`) is
//! no join: the `s` is left over and dropped later.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Marks that join two words into one.
fn joins(c: char) -> bool {
    matches!(c, '-' | '‐' | '&' | '×' | '\'' | '’')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’')
}

/// A word as written: its place in the text and its joined parts (byte ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub from: usize,
    pub to: usize,
    whole: (usize, usize),
    /// The parts of a joined word (two or more); empty for a plain word (no allocation).
    pub parts: Vec<(usize, usize)>,
}

impl Written {
    /// The word's parts: itself when it was not joined.
    pub fn pieces(&self) -> &[(usize, usize)] {
        if self.parts.is_empty() {
            std::slice::from_ref(&self.whole)
        } else {
            &self.parts
        }
    }
}

/// The words of `text`, in order.
pub fn written_words(text: &str) -> Vec<Written> {
    let mut words: Vec<Written> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut last_join: Option<char> = None;
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            last_join = None;
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let joined = last_join.take().is_some()
            && words.last().is_some_and(|w| {
                // The previous word ended right before the joining mark.
                text[w.to..start].chars().count() == 1
            })
            // `regio's`: the plural s is no word of its own.
            && !(text[..start].ends_with(is_apostrophe) && &text[start..end] == "s");
        match words.last_mut() {
            Some(w) if joined => {
                if w.parts.is_empty() {
                    w.parts.push(w.whole);
                }
                w.to = end;
                w.whole = (w.from, end);
                w.parts.push((start, end));
            }
            _ => words.push(Written {
                from: start,
                to: end,
                whole: (start, end),
                parts: Vec::new(),
            }),
        }
        if let Some(&(_, next)) = chars.peek()
            && joins(next)
        {
            last_join = Some(next);
            chars.next();
            // A joining mark counts only when a letter or digit follows it at once.
            if !chars.peek().is_some_and(|&(_, c)| c.is_alphanumeric()) {
                last_join = None;
            }
        }
    }
    words
}

/// The word written without its joining marks, as it is indexed.
pub fn without_marks(text: &str, word: &Written) -> String {
    word.pieces().iter().map(|&(a, b)| &text[a..b]).collect()
}

/// Tokenizer: each word; a joined word as the whole without marks, then its parts at the
/// same position (like a compound's parts). One token buffer is reused, as tantivy's own
/// tokenizers do: indexing makes no string per word.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    words: Vec<Written>,
    token: Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.words = written_words(text);
        self.token.reset();
        WordStream {
            text,
            words: &self.words,
            token: &mut self.token,
            word: 0,
            part: None,
        }
    }
}

pub struct WordStream<'a> {
    text: &'a str,
    words: &'a [Written],
    token: &'a mut Token,
    /// The word being emitted.
    word: usize,
    /// `None` before the word's first token; then the part emitted (a joined word emits
    /// itself whole first, as part `usize::MAX`).
    part: Option<usize>,
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some(word) = self.words.get(self.word) else {
                return false;
            };
            let pieces = word.pieces();
            let joined = pieces.len() > 1;
            let next = match self.part {
                None if joined => Some(usize::MAX),
                None => Some(0),
                Some(usize::MAX) => Some(0),
                Some(p) if p + 1 < pieces.len() => Some(p + 1),
                Some(_) => None,
            };
            let Some(next) = next else {
                self.word += 1;
                self.part = None;
                continue;
            };
            self.part = Some(next);
            let token = &mut *self.token;
            token.position = self.word;
            token.position_length = 1;
            token.text.clear();
            if next == usize::MAX {
                token.offset_from = word.from;
                token.offset_to = word.to;
                for &(a, b) in pieces {
                    token.text.push_str(&self.text[a..b]);
                }
            } else {
                let (a, b) = pieces[next];
                token.offset_from = a;
                token.offset_to = b;
                token.text.push_str(&self.text[a..b]);
            }
            return true;
        }
    }
    fn token(&self) -> &Token {
        self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        written_words(text)
            .iter()
            .map(|w| without_marks(text, w))
            .collect()
    }

    fn tokens(text: &str) -> Vec<String> {
        let mut t = WordTokenizer::default();
        let mut stream = t.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn joined_words_are_one_word_with_their_parts() {
        assert_eq!(
            words("Re-integratie via B&W, p×q en een zzp'er in de regio's - of niet."),
            [
                "Reintegratie",
                "via",
                "BW",
                "pq",
                "en",
                "een",
                "zzper",
                "in",
                "de",
                "regio",
                "s",
                "of",
                "niet"
            ]
        );
        assert_eq!(
            tokens("zij-instromers 80-90-100"),
            [
                "zijinstromers",
                "zij",
                "instromers",
                "8090100",
                "80",
                "90",
                "100"
            ]
        );
        // A mark with a space after it joins nothing.
        assert_eq!(
            tokens("jeugd- en gezinszorg"),
            ["jeugd", "en", "gezinszorg"]
        );
        assert_eq!(tokens("Wmo–vervoer"), ["Wmo", "vervoer"]);
        assert_eq!(tokens(""), Vec::<String>::new());
    }
}
