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
#[derive(Debug, PartialEq, Eq)]
pub struct Written {
    pub from: usize,
    pub to: usize,
    /// Two or more when the word was joined; one otherwise.
    pub parts: Vec<(usize, usize)>,
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
                w.to = end;
                w.parts.push((start, end));
            }
            _ => words.push(Written {
                from: start,
                to: end,
                parts: vec![(start, end)],
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
    word.parts.iter().map(|&(a, b)| &text[a..b]).collect()
}

/// Tokenizer: each word; a joined word as the whole without marks, then its parts at the
/// same position (like a compound's parts).
#[derive(Clone, Default)]
pub struct WordTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.tokens.clear();
        for (position, word) in written_words(text).into_iter().enumerate() {
            let token = |from: usize, to: usize, text: String| Token {
                offset_from: from,
                offset_to: to,
                position,
                text,
                position_length: 1,
            };
            if word.parts.len() > 1 {
                self.tokens
                    .push(token(word.from, word.to, without_marks(text, &word)));
            }
            for &(from, to) in &word.parts {
                self.tokens.push(token(from, to, text[from..to].to_owned()));
            }
        }
        WordStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

pub struct WordStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1))]
    }
    fn token_mut(&mut self) -> &mut Token {
        let at = self
            .next
            .saturating_sub(1)
            .min(self.tokens.len().saturating_sub(1));
        &mut self.tokens[at]
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
