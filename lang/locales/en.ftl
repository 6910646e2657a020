# wiel — every text a person reads, in English.
# Every message is also in nl.ftl, with the same arguments (the catalogue test checks).

## Counting

count-entries = { $count ->
    [one] 1 entry
   *[other] { $count } entries
}

## Kinds of entries and verdicts

kind-practice = good practice
kind-story = practice story
kind-question = question
kind-answer = answer
kind-reaction = reaction
kind-retraction = retraction
kind-profile = profile
kind-endorsement = endorsement
kind-key-rotation = key change
kind-revocation = key revocation
kind-key-history = key history
kind-with-article = { $code ->
    [answer] an { $kind }
    [endorsement] an { $kind }
   *[other] a { $kind }
}
verdict-works = works
verdict-does-not-work = does not work
verdict-applied-here = applied here
verdict-useful = useful
verdict-accepted = accepted answer

## Fields of an entry

field-title = the title
field-text = the text
field-contact = the contact
field-tags = the tags
field-themes = the themes
field-situation = the situation
field-approach = the approach
field-result = the result
field-lessons = the lessons
field-organisation-name = the organisation's name
field-space = the space
field-network = the network name
field-other = { $name }

## An entry that is not valid

invalid-decode = the entry cannot be read: { $reason }
invalid-wrong-network = the entry belongs to network '{ $found }', this node is on network '{ $expected }'
invalid-header-too-large = the header is { $len } bytes, more than the limit of { $limit }
invalid-body-too-large = the body is { $len } bytes, more than the limit of { $limit } (64 KiB); make the text shorter
invalid-body-length = the body is { $actual } bytes but the header says { $declared }
invalid-body-hash = the body does not match its signed header: it was altered after signing
invalid-author-key = the author { $key } is not a valid key
invalid-signature = the signature does not verify: the header or signature was altered, or signed by another key
invalid-in-future = the entry is dated { $minutes } minutes in the future (at most 10 minutes is allowed); check the sender's clock
invalid-empty-title = the title is empty
invalid-title-too-long = the title is { $chars } characters, more than the limit of { $limit }
invalid-too-many-labels = { $what }: { $count } of them, more than the limit of { $limit }
invalid-bad-label = { $what }: '{ $value }' is empty or longer than { $limit } characters
invalid-too-many-refs = { $count } references, more than the limit of { $limit }
invalid-answer-needs-question = an answer must refer to exactly one question
invalid-reaction-needs-entry = a reaction must refer to exactly one entry
invalid-retraction-needs-entry = a retraction must refer to exactly one entry
invalid-unexpected-ref = { $kind } cannot { $rel }
invalid-fields-do-not-match = the fields of the body do not fit { $kind }
invalid-empty-field = { $field } is empty
invalid-endorse-own-key = an organisation cannot endorse its own key
invalid-rotate-to-own-key = an organisation cannot change to its own key
invalid-control-outside-national = { $kind } belongs to the national space 'nl' (found '{ $space }'): every node must get it
invalid-no-rotation-consent = the new key of this key change did not sign its consent
invalid-id-mismatch = the header does not hash to the id it is stored under
invalid-text-not-allowed = { $kind } carries no text, tags or themes
invalid-history-of-own-key = a key history names entries of an earlier key, not of the key that signs it
invalid-history = a key history names 1 to { $limit } entries, sorted, each once (this one names { $count })
rel-answers = answer a question
rel-reacts-to = react to an entry
rel-retracts = retract an entry
rel-supersedes = replace an earlier version

## Data that cannot be read

decode-empty = nothing was received
decode-too-large = { $len } bytes is more than the limit of { $limit } bytes
decode-unknown-version = format version { $version } is unknown (this version of wiel reads version { $known }); update wiel
decode-unknown-kind = an entry of kind { $code }, which this version of wiel does not know (a newer version made it); update wiel
decode-malformed = malformed or cut short ({ $detail })
decode-trailing-bytes = { $count } unexpected bytes after the end
decode-non-canonical = not written in the one fixed form
encode-failed = cannot be written: { $detail }
key-unreadable = the key cannot be read: { $detail }
key-not-ed25519 = the key is not an ed25519 key
name-unconfirmed = { $name } (unconfirmed, key { $key })
name-invalid = { $what } '{ $value }' is not valid: use 1 to { $max } characters a-z, 0-9 and '-', starting with a letter
name-bad-cbs-code = CBS code '{ $code }' is not valid: expected GM followed by four digits, like GM0193
hex-length = expected { $expected } hex characters, got { $found }
hex-not-hex = '{ $value }' is not hexadecimal (use 0-9 and a-f)
unknown-kind = unknown kind '{ $kind }'; the kinds are: { $known }

## Personal data

finding-bsn = BSN
finding-iban = IBAN
finding-birth-date = date of birth
finding-phone = phone number
finding-email = e-mail address
finding-address = postcode and house number
finding = { $kind } { $excerpt } in { $field } at line { $line }, column { $column }

## Refused by the store's rules

rejection-not-author-retract = only the author of entry { $id } can retract it
rejection-not-author-edit = only the author of entry { $id } can make a new version of it
rejection-version-kind = entry { $id } is a { $found }: a new version of it must be a { $found } too, not a { $expected }
rejection-not-a-question = entry { $id } is a { $found }, not a question: only questions can be answered
rejection-not-retractable = entry { $id } is a { $found } and cannot be retracted or edited
rejection-not-reactable = entry { $id } is a { $found }: reactions are for good practices, practice stories, questions and answers
rejection-not-an-answer = entry { $id } is a { $found }, not an answer: only answers can be accepted
rejection-not-the-asker = only the organisation that asked question { $id } can accept an answer to it
rejection-acceptance-from-the-future = question { $question } already has an acceptance (of answer { $accepted }) dated about { $minutes } minutes ahead of this computer's clock: a new one would not count, because the latest counts; check this computer's clock

## The store

store-locked = the store in { $path } is in use by another wiel process (is `wiel node` running?); stop it, or let the running node do this
store-open = cannot open the store in { $path }: { $detail }
store-io = reading or writing the store failed: { $detail }
store-log = the entry log { $path }: { $detail }
store-aborted = a write to the store was aborted; nothing of it was stored
store-corrupt = stored entry { $id } is damaged: { $detail }; `wiel check` fetches it again from another node
store-newer-format = the store in { $path } was written by a newer wiel (format { $found }; this wiel knows up to { $known }); nothing in it was changed: update wiel
search-index = the search index in { $path }: { $detail }
synonyms-not-one-word = synonym group { $group }: '{ $word }' is not one word (write each word on its own, without spaces, hyphens or apostrophes)
synonyms-stop-word = synonym group { $group }: '{ $word }' is a word search leaves out (a stop word), so it cannot stand for another
synonyms-too-few = synonym group { $group } has fewer than two different words
synonyms-bad-abbreviation = synonym group { $group }: write an abbreviation as `pgb = persoonsgebonden budget`: one word, '=', then the words it stands for

## The node

as-given = { $text }
already-initialised = { $dir } already holds a wiel node (its key is kept)
entry-invalid = the entry is not valid: { $reason }
entry-refused = { $reason }
no-such-entry = no entry has an id starting with '{ $prefix }' (`wiel list` and `wiel search` show the ids)
ambiguous-id = '{ $prefix }' matches several entries ({ $candidates }); give more characters
bad-id-prefix = '{ $prefix }' is not an entry id: use at least { $min } hex characters (0-9, a-f)
bad-limit = the limit must be at most { $max } (got { $limit })
no-such-organisation = no known organisation matches '{ $query }': give a CBS code like GM0193, a name, or a key (for an organisation whose profile is not known here, only its key works)
ambiguous-organisation = { $count } organisations claim '{ $query }' (a name or code anyone can claim) and not exactly one of them is trusted here: { $names }; give the key of the one you mean
organisation-candidate = { $name }, key { $key } ({ $standing })
candidate-trusted = trusted
candidate-untrusted = not trusted
candidates-more = and { $count } more
not-editable = { $kind } cannot be edited; retract it and make a new one
entry-retracted = entry { $id } was retracted by its author
organisation-unknown = no profile of organisation { $key } is known here
not-own-key = key { $key } is not this organisation's: revoke only the current key or one it changed away from
own-key-revoked = your key { $key } is revoked (from { $since } on): nothing signed with it counts any more
space-change = a new version stays in the space of the entry ('{ $from }'), not '{ $to }': publish a new entry there instead
unknown-theme = unknown theme '{ $theme }': use one of { $known }
unfollowed-space = this node does not follow space '{ $space }' (it follows { $followed }): check the spelling
own-profile = { $id } is your organisation's profile and cannot be retracted: without it, someone else could appear here under your name
no-organisation-name = the organisation's name is empty: give it with --name, for example --name "Gemeente Zwolle"
not-publishable = a { $kind } is not published this way: wiel publish takes good practices, practice stories and questions (answers and reactions with wiel answer and wiel react; endorsing, keys and retracting have commands of their own)
own-organisation = this is your own organisation: it is always trusted here
not-a-root = { $key } is not trusted directly here, so there is nothing to remove (it may be trusted through endorsements)
already-endorsed = this organisation already endorses { $organisation } (key { $key }, endorsement { $id }): nothing changed
endorsed = This organisation now endorses { $organisation }, key { $key } (endorsement { $id }). Whoever trusts it now trusts that organisation too.
not-endorsed = this organisation has not endorsed { $key }
personal-data-confirm = the entry may hold personal data of a citizen: { $found }; check it, then confirm to publish anyway
personal-data-blocked = the entry holds personal data of a citizen: { $found }; remove it (this is never published)
line-malformed = line { $line }: not a wiel entry (not a line as `wiel export` writes them; is the file cut short, or something else?)
line-invalid = line { $line }: { $reason }
line-id-mismatch = line { $line }: the id { $claimed } does not match the entry's contents (it is { $actual })
line-cut = line { $line }: the file is incomplete or changed: its last line says { $expected } entries, but { $found } came before it
line-changed = line { $line }: the file was changed: its last line lists other entries than the { $count } that came before it
line-after-trailer = line { $line }: the file goes on after its last line (the trailer)
sync-malformed = malformed sync message: { $detail }
sync-out-of-order = sync answer out of order: expected from { $expected }, got { $got }
sync-inconsistent = inconsistent sync answer: an id came twice
sync-fingerprint-mismatch = the differences found do not match the other node's fingerprint
sync-did-not-converge = sync did not come to an end after { $count } steps
not-initialised = no wiel node in { $dir }
data-dir-not-writable = cannot write to the data directory { $dir }: { $detail }
file-error = { $path }: { $detail }
config-unknown-key = { $path }, line { $line }: wiel does not know '{ $key }' here; it knows: { $known }
config-syntax = { $path }, line { $line }: this is no valid setting ({ $detail })
config-invalid = { $path }: invalid configuration: { $detail }
config-synonyms = { $path }: invalid configuration: [search] synonyms: { $reason }
key-file-unusable = { $path }: unusable key file: { $detail }
api-not-local = the local API and metrics must listen on 127.0.0.1, not { $addr }
api-cannot-listen = cannot open the local API on { $addr }: { $detail }
network-setup = cannot set up the network: { $detail }
network-cannot-listen = cannot listen on { $addr }: { $detail }
network-stopped = the network is shutting down
network-cannot-dial = cannot reach { $addr }: { $reason }
network-not-connected = not connected to node { $peer }; connect first with `wiel connect ADDRESS`
network-no-peers = no peers to sync with: this node is not connected to any other node
api-unreachable = cannot reach the running node: { $detail }
api-status = the node answered with status { $status }
api-unreadable = the node's answer could not be read: { $detail }
no-node = no node is running on this data directory
node-silent = a node runs on this data directory (process { $pid }) but its local API at { $address } does not answer: it is overloaded or stuck; look at its log, or restart it

## Commands

demo-no-data-dir = --data-dir does not go with `wiel demo`: the demo makes its own nodes (keep them with --keep DIR)
journald-unavailable = systemd's journal cannot be reached ({ $detail }); the log goes to stderr
node-no-json = --json does not go with `wiel node`: it logs to stderr; ask a running node with `wiel --json status`
export-no-json = --json does not go with `wiel export`: its default format is JSON lines already (--format jsonl)
completions-no-json = --json does not go with `wiel completions`: it writes a script for the shell
tool-no-data-dir = --data-dir does not go with `wiel completions` and `wiel manual`: they use no node
bad-trust-mode = unknown trust mode '{ $mode }': use open, web-of-trust or closed
init-done = Node set up for { $name } in { $dir }.
    Organisation key: { $key }
    Keep the file { $key_file } safe: it is your municipality's signature.
confirm-with-yes = { $question } Add --yes to confirm; nothing was done
yes-no = [y/N]
nothing-done = nothing was done
nothing-published = nothing was published
personal-data-use-yes = { $message } with --yes
personal-data-heading = The entry may hold personal data of a citizen:
publish-anyway = Publish anyway?
the-entry = the entry
cannot-publish = cannot publish { $source }
question-empty = the question is empty: write it between quotes, e.g. wiel ask "Who has a good absence policy?"
retracted = Retracted { $id } ({ $count ->
        [one] 1 version
       *[other] { $count } versions
    }): its text is erased here and on every node that receives the retraction.
retraction-reason-erased = The reason of retraction { $id } is erased, here and on every node that receives this. What it retracted stays retracted.
list-empty = No entries found.
search-not-this-kind = search finds good practices, practice stories, questions and answers, not { $kind }: use `wiel list --kind { $code }`
questions-none-open = No open questions: every question has an accepted answer.
questions-none = No questions.
check-damaged = damaged: { $id } — { $detail }
check-done = Checked { $count ->
        [one] 1 entry
       *[other] { $count } entries
    }: { $damaged ->
        [0] none damaged.
        [one] 1 damaged, taken out of the store; a running node fetches it again from other nodes.
       *[other] { $damaged } damaged, taken out of the store; a running node fetches them again from other nodes.
    }
check-failed = { $count ->
        [one] 1 damaged entry was found and set apart
       *[other] { $count } damaged entries were found and set apart
    }
compact-done = Compacted the entry log: { $before } → { $after } ({ $count ->
        [one] 1 entry
       *[other] { $count } entries
    } kept).
reindex-done = Search index rebuilt: { $documents } searchable (of { $entries } stored), { $seconds } s, { $size } on disk.
import-nothing = { $file }: nothing was imported
import-empty-file = warning: { $file } holds no entries: is it the right file?
import-cut-file = warning: { $file } does not end with the last line `wiel export` writes: it may be cut short. What it holds was checked and taken in; import the whole file again when you have it.
import-done = Imported from { $file }: { $stored } new, { $already } already here, { $retracted } retracted (of those only who wrote them and when is kept).
import-kept-apart = { $count ->
        [one] 1 new entry is kept apart: not shown and not passed on, because this node does not trust who signed it (see it with `wiel list --untrusted`):
       *[other] { $count } new entries are kept apart: not shown and not passed on, because this node does not trust who signed them (see them with `wiel list --untrusted`):
    }
import-kept-apart-author = { $organisation }: { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } — to trust it: wiel trust add { $key }
import-kept-apart-revoked = { $organisation }: { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } signed with key { $key }, which is revoked: they count for nothing (see `wiel trust list`)
import-incomplete = { $count ->
        [one] 1 line held
       *[other] { $count } lines held
    } only who wrote it and when, without the text, and no retraction here explains why: not stored.
refused-kept-apart-full = the space for entries of organisations this node does not trust is full ([trust] max_kept_apart_bytes)
refused-too-many-profiles = this node keeps no more profiles of organisations nobody here trusts ([trust] max_untrusted_profiles)
refused-untrusted = this node takes entries of its trusted organisations only (trust mode closed)
refused-in-future = they are dated more than 10 minutes ahead of this computer's clock; one of the two clocks is wrong (import the file again once the time has passed, or set the clock right)
import-not-taken = { $count ->
        [one] 1 entry was
       *[other] { $count } entries were
    } not taken: { $why }.
endorsement-withdrawn = Endorsement of { $organisation } withdrawn ({ $count ->
        [one] 1 retraction
       *[other] { $count } retractions
    }).
trust-added = Now trusted directly: { $name }, key { $key }.
trust-already = '{ $organisation }' is already trusted directly; nothing changed.
trust-removed = No longer trusted directly: { $name }, key { $key }.
connected = Connected to { $address }.
not-through-a-node = this command does not run through a node
no-home-directory = cannot find a home directory for the data: give --data-dir or set WIEL_DATA_DIR
published = Published { $kind } { $id } in space { $space }. See it with: wiel show { $id }
bad-time = { $flag } '{ $value }' is not a date like 2026-11-01 or an age like 7d, 2w or 12h

## Showing entries

unknown = unknown
unknown-organisation-key = unknown organisation { $key }
trust-not-trusted = not trusted
trust-trusted = trusted
trust-trusted-via = trusted through { $names }
trust-unknown = trust unknown
title-retracted = [retracted]
title-answer-to = Answer to: { $question }
title-answer-to-unknown = Answer to a question that was retracted or is unknown here
title-reaction = reaction: { $verdict }
title-endorsement = vouching for an organisation
title-key-rotation = change to a new key
title-revocation = revocation of a key
title-key-history = history of a key
list-more = The newest { $shown } of { $total } shown. Show more with --limit { $limit }.
list-more-than = The newest { $shown } shown, of more than { $counted }. Show more with --limit { $limit }, or narrow it down (--kind, --author, --since).
list-untrusted-hidden = { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } from organisations this node does not trust (or signed with a revoked key) not shown; see them with --untrusted.
list-waiting-hidden = { $count ->
        [one] 1 entry waits
       *[other] { $count } entries wait
    } for the entry they refer to (an answer to a question not here yet, say), not shown; `wiel sync` fetches it.
list-untrusted-hidden-at-least = At least { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } from organisations this node does not trust (or signed with a revoked key) not shown; see them with --untrusted.
search-replaced = "{ $typed }" occurs nowhere; did you mean "{ $searched }"? That was searched for.
search-ignored = Not searched for, too common: { $words }. Search for words that say what it is about.
search-also = Also searched for: { $words }.
search-unknown-among-trusted = Not in any entry of an organisation this node trusts: { $words }.
search-unknown = Occurs nowhere: { $words }.
search-nothing = Nothing found.
search-untrusted-hidden = { $count ->
        [one] 1 match
       *[other] { $count } matches
    } from organisations this node does not trust (or signed with a revoked key) not shown; search them too with --untrusted.
search-untrusted-hidden-at-least = At least { $count } matches from organisations this node does not trust (or signed with a revoked key) not shown; search them too with --untrusted.
search-more = The best { $shown } of { $total } shown. Show more with --limit { $limit }.
export-answers = answer to "{ $title }" ({ $id })
export-answers-gone = answer to question { $id }, which cannot be read here (any more)
label-answered = answered
label-id = id { $id }
label-tags = tags
label-themes = themes
label-contact = contact
label-answers = answers
label-reacts-to = reacts to
label-retracts = retracts
label-supersedes = replaces
label-key = key
label-verdict = verdict
label-spaces = spaces
story-situation = Situation
story-approach = Approach
story-result = Result
story-lessons = Lessons
show-personal-data = Note: this entry holds personal data of a citizen ({ $found }). Do not pass it on, and ask the author to retract it.
show-retracted = Retracted by its author (retraction { $id }): the text is erased, only who wrote it and when is kept.
show-newer-version = There is a newer version: wiel show { $id }
show-endorsement = vouches for: { $name } ({ $code }), key { $key }
show-key-rotation = new key: { $new_key }
    (the old key { $old_key } no longer signs for this organisation)
show-revocation = revoked key: { $key }
    what that key signed from { $since } on no longer counts anywhere
show-key-history = names { $count } entries signed with key { $key }
    (once that key is revoked, exactly these of its entries count, whatever their dates)
show-retraction = retracts: { $id } (its text is erased)
show-versions = Version { $position } of { $count } (oldest first: { $ids }).
show-answers = Answers ({ $count }):
show-reactions = Reactions of organisations ({ $summary }; the latest of each organisation counts):
show-untrusted-reactions = { $count ->
        [one] 1 reaction
       *[other] { $count } reactions
    } from organisations this node does not trust: not shown and not counted (see them with `wiel list --untrusted --kind reaction`).

## The node itself

peers-none = No connected nodes.
status-organisation = { $name } (network { $network })
status-key = organisation key: { $key }
status-not-running = node: not running (start it with `wiel node`)
status-running = node: running as { $peer_id }
status-listening = reachable at { $address }
status-peers = connected nodes: { $count }
status-reach-public = reachable from outside at { $address }
status-reach-relayed = reachable from outside through { $count ->
        [one] 1 relay
       *[other] { $count } relays
    }
status-reach-private = not reachable from outside (NAT or firewall) and no relay: see `wiel doctor`
status-reach-unknown = reachability from outside: not tested yet
status-outbox = waiting to be sent: { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } (no other node follows their space yet)
status-entries = entries: { $count }
status-kept-apart = kept apart (from organisations not trusted here, or whose key was revoked): { $count ->
        [one] 1 entry
       *[other] { $count } entries
    }, { $size } of at most { $limit }
status-search-building = search index: being built
status-search-ready = search index: { $count } searchable, up to date
status-search-waiting = search index: { $count } searchable, { $waiting } still to take in
status-fingerprint = fingerprint { $fingerprint }
status-space-kept-apart = (+{ $count } kept apart: untrusted)
status-last-sync = last synced { $at } with { $peer }: { $missing } missing here, { $stored } stored
status-received = from the network: { $received } received, { $stored } stored
status-received-last = from the network: { $received } received, { $stored } stored, last at { $at }
status-refused = refused ({ $reason }): { $count }
sync-rate = { $rate } per second
sync-took-little = in less than 0.1 s
sync-took = in { $seconds } s
sync-done = Sync done { $took } with { $peers ->
        [one] 1 node
       *[other] { $peers } nodes
    }, { $sessions ->
        [one] 1 space comparison
       *[other] { $sessions } space comparisons
    }.
sync-counts = missing here: { $missing }; fetched { $fetched }, stored { $stored }{ $rate }, already here { $already }, refused { $refused }
sync-not-served = not delivered by the node that claimed them: { $count }
sync-offered = offered to nodes that lacked them: { $count }
sync-problem = problem: { $problem }
trust-mode-open = open (everything accepted and passed on; untrusted marked)
trust-mode-web-of-trust = web-of-trust (untrusted entries kept apart, not passed on, shown with --untrusted)
trust-mode-closed = closed (directly trusted organisations only)
trust-mode = mode: { $mode }
trust-depth = depth: { $depth ->
        [one] 1 step
       *[other] { $depth } steps
    } of endorsements from a directly trusted organisation
trust-members = trusted organisations:
trust-earlier-keys = earlier keys: { $keys }
trust-direct = directly
trust-revoked = revoked: { $organisation } { $key } since { $since }
trust-compromised = stolen: { $organisation } { $key } changed to two different keys: someone besides its owner holds it; nobody inherits its trust (endorse the owner's new key anew)

## Input, files and keys

cannot-read-stdin = cannot read the input (stdin)
cannot-read-file = cannot read { $file }
cannot-write-file = cannot write { $file }
editor-no-temp-file = cannot make a temporary file for the editor
editor-cannot-start = cannot start the editor '{ $editor }'
editor-failed = the editor '{ $editor }' stopped with an error; nothing was published
editor-cannot-read-back = cannot read back the edited file
editor-template-text = Describe your good practice here.
the-editor = the editor
publish-no-kind = no kind given: add 'kind: practice' (or story, question) to the front matter, or use --kind
publish-wrong-kind = publish makes a good practice, practice story or question; for { $kind } use `wiel { $command }`
publish-no-title = the title is empty: add 'title: …' to the front matter, or use --title
accept-not-an-answer = { $id } is a { $kind }, not an answer: only an answer can be accepted
accept-no-question = answer { $id } names no question
accept-already = answer { $id } is already accepted
accept-question-unknown = this node does not hold question { $id } yet; try again after `wiel sync`
accepted = Accepted: the answer { $id } by { $organisation } is now marked as the one that helped with "{ $title }".
accepted-instead = Accepted: the answer { $id } by { $organisation } is now marked as the one that helped with "{ $title }" (instead of { $before }).
edit-older-version = { $id } is an older version: the new version follows the newest, { $latest }.
edit-kind-changed = a new version must stay { $kind }; the front matter now says kind: { $found }
edit-nothing-changed = Nothing changed; no new version published.
front-matter-not-closed = the front matter starting on line 1 has no closing '---' line
front-matter = the front matter
at-line-column = line { $line }, column { $column }
front-matter-invalid = front matter is not valid at { $place }: { $detail }
front-matter-unknown-key = wiel does not know '{ $key }'; it knows: { $known }
front-matter-wrong-type = this wants text, or a list such as [a, b]
front-matter-syntax = write each line as 'name: value'; where a value starts with a sign such as [ or {"{"}, put it between quotes
front-matter-unwritable = cannot write the front matter
story-fields-not-a-story = situation, approach, result and lessons belong to a practice story, not { $kind }
exported = Exported { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } to { $file }.
sync-progress-fetched = entries fetched
sync-progress-comparing = comparing
sync-progress-stored = { $count } stored
sync-with-problems = sync finished with { $count ->
        [one] 1 problem
       *[other] { $count } problems
    }; what did arrive is stored
rotate-node-running = a node is running on this data directory: stop it first (its key is its network identity), then run this again
rotated-from-elsewhere = Note: { $count ->
        [one] 1 entry
       *[other] { $count } entries
    } signed with an earlier key came from elsewhere, not from this node (signed after the backup restored here, or by someone else holding that key), and { $count ->
        [one] is
       *[other] are
    } not named: once you revoke that key, it counts no more. See them with wiel list --author { $old } --untrusted; publish again what is yours.
rotated = This organisation now signs with key { $new } (was { $old }).
    The old key is kept as key.old.* in { $dir }; start the node to tell the network.
    The new key names the { $named } entries this node signed with earlier keys: once an old key is revoked, exactly those count, whatever their dates (whoever else holds the old key adds nothing to them).
revoke-which-key = name the key to revoke (hex), or use --current for the key this node signs with now
revoke-confirm = Revoke key { $key } from { $since } on? Whatever it signs from then counts for nothing, on every node; this cannot be undone.
revoked = Key { $key } is revoked from { $since } on (entry { $id }). Every node ignores what it signs from then; what it signed before stays (after a key rotation: exactly the entries the new key named as its history).
not-a-key = '{ $given }' is not a key: { $reason }
not-a-key-prefix = '{ $given }' is not a key: give it in full or by its first 8 or more hex characters
no-such-key = no key known here starts with '{ $given }'
ambiguous-key = '{ $given }' is the start of { $count } keys ({ $keys }): give more of it
not-an-address = { $what } '{ $address }' is not a network address like /ip4/127.0.0.1/tcp/4001
listen-address = listen address
bootstrap-address = bootstrap address
node-already-running = a node is already running on { $dir }; stop it first (Ctrl-C or SIGTERM)
no-runtime = cannot start the node (no async runtime)
node-running = wiel node of { $organisation } is running (spaces: { $spaces }; local API on { $api }).
node-connect-with = other nodes connect with: wiel connect { $address }
node-stop-with = Stop it with Ctrl-C.
node-stopped = wiel node stopped.
node-peer-joined = Connected to { $peer }.
node-peer-left = No longer connected to { $peer }.
node-peer-named = { $organisation } (peer { $peer })
node-peer-unnamed = an unknown organisation (peer { $peer })
node-peers-connected = { $count ->
        [one] Connected to 1 node now.
       *[other] Connected to { $count } nodes now.
    }
unknown-organisation = unknown organisation

## The demo

demo-no-program = cannot find the wiel program itself
demo-cannot-start = cannot start a demo node
demo-node-stopped = the demo node for { $name } stopped at once ({ $status })
demo-node-slow = the demo node for { $name } did not start within 30 s
demo-no-network = the demo node reports no network address
demo-not-received = { $name } did not receive { $id } within 30 s
demo-no-temp-dir = cannot make a temporary directory for the demo
demo-not-connected = the demo nodes did not connect within 30 s
demo-intro = wiel demo: three municipal nodes on this machine (network "wiel-demo"), in a line:
demo-samples = Each holds the same { $count } sample entries.
demo-on-node = (on { $name }'s node)
demo-asks = { $name } asks: "{ $question }"
demo-gossiped = gossiped to { $first } in { $first_ms } ms, and through Kampen to { $second } in { $second_ms } ms
demo-answered = { $answerer } answers: back at { $asker } in { $ms } ms; { $asker } accepts the answer
demo-kept = The nodes are stopped; their data is in { $dir }. Start one again with: wiel --data-dir { $node_dir } node
demo-removed = The demo nodes are stopped and removed. Keep them with: wiel demo --keep DIR

## Help text

-themes = dienstverlening, duurzaamheid, financien, gezondheid, hrm, inburgering, informatievoorziening, inkoop, jeugdwet, omgevingswet, onderwijs, participatiewet, schuldhulp, veiligheid, wmo, wonen
help-flag = Show this help
version-flag = Show the version
heading-usage = Usage
heading-commands = Commands
heading-options = Options
heading-arguments = Arguments
value-command = COMMAND
usage-did-you-mean = (did you mean '{ $suggestion }'?)
usage-unknown-argument = unknown option '{ $argument }'
usage-unknown-command = unknown command '{ $command }'
usage-missing = { $count ->
        [one] '{ $argument }' is missing
       *[other] '{ $argument }' are missing
    }
usage-missing-command = give a command
usage-invalid-value = '{ $value }' is not a valid value for { $argument } (use one of: { $valid })
usage-invalid-value-because = '{ $value }' is not a valid value for { $argument }: { $reason }
usage-conflict = { $argument } does not go with { $other }
usage-wrong-number = wrong number of values for { $argument }
usage-no-equals = give the value of { $argument } with '=', e.g. { $argument }=VALUE
usage-not-utf8 = an argument is not valid text (UTF-8)
usage-see-help = see wiel --help, or wiel COMMAND --help

## Commands and options

cmd-wiel = wiel: share good practices, practice stories, questions and answers between Dutch municipalities, peer to peer. "Samen het wiel uitvinden."
arg-wiel-data-dir = Where this node keeps its key, configuration and entries. Default: $WIEL_DATA_DIR, else the user's data directory (~/.local/share/wiel)
arg-wiel-json = Print machine-readable JSON on stdout instead of text
cmd-wiel-init = Set up this municipality's node: make its key, configuration and signed profile
cmd-wiel-init-long = Example: wiel init --name "Gemeente Zwolle" --code GM0193 --space pv23
arg-wiel-init-name = The organisation's name, e.g. "Gemeente Zwolle"
arg-wiel-init-code = The municipality's CBS code, e.g. GM0193
arg-wiel-init-province = Province, e.g. Overijssel
arg-wiel-init-spaces = Spaces to follow (repeat the flag); the first is where new entries go. Default: nl (national)
arg-wiel-init-network = Network id. Only for test networks; the real network is "wiel"
arg-wiel-init-trust-mode = What to do with entries of organisations outside the trust set: open (accept and pass on, marked untrusted), web-of-trust (keep apart, never pass on, show only with --untrusted) or closed (directly trusted organisations only)
cmd-wiel-publish = Publish an entry from a Markdown file with front matter (or from stdin or $EDITOR)
cmd-wiel-publish-long = The front matter names the kind (practice, story, question), the title, and optionally space, tags, themes, contact and, for a story, situation, approach, result and lessons. Flags override the front matter.
arg-wiel-publish-file = Markdown file with front matter; '-' reads stdin. Without it: stdin if piped, otherwise $EDITOR
arg-wiel-publish-kind = practice, story or question (also in Dutch: goed voorbeeld, praktijkverhaal, vraag)
arg-wiel-publish-title = The title (overrides the front matter's `title:` and the first `# heading`)
arg-wiel-publish-space = The space to publish in. Default: the first space in config.toml
arg-wiel-publish-new-space = Publish in a space this node does not follow (otherwise refused, so that a typo does not send the entry where nobody reads it)
arg-wiel-publish-tags = A tag (repeat for more)
arg-wiel-publish-themes = A theme (repeatable): { -themes }
arg-wiel-publish-contact = Who to contact about this entry (a work address)
arg-wiel-publish-yes = Publish even though the privacy guard asks about possible personal data (phone numbers, e-mail addresses, dates of birth, addresses, a number that may be a BSN). A BSN next to the word BSN or burgerservicenummer, and an IBAN, are never published
cmd-wiel-ask = Ask the network a question
cmd-wiel-ask-long = Example: wiel ask "Hoe contracteren jullie jeugdhulp: lumpsum of p×q?"
arg-wiel-ask-question = The question
arg-wiel-ask-text = More context (Markdown)
arg-wiel-ask-space = { arg-wiel-publish-space }
arg-wiel-ask-new-space = { arg-wiel-publish-new-space }
arg-wiel-ask-tags = { arg-wiel-publish-tags }
arg-wiel-ask-themes = { arg-wiel-publish-themes }
arg-wiel-ask-yes = { arg-wiel-publish-yes }
cmd-wiel-answer = Answer a question
arg-wiel-answer-id = The question's id (or a unique prefix of at least 4 characters)
arg-wiel-answer-text = Your answer (Markdown)
arg-wiel-answer-yes = { arg-wiel-publish-yes }
cmd-wiel-react = React to an entry: does it work, did you apply it, was it useful?
arg-wiel-react-id = The entry's id (or a unique prefix)
arg-wiel-react-comment = Optional comment
arg-wiel-react-works = It works
arg-wiel-react-does-not-work = It does not work
arg-wiel-react-applied = We applied it here
arg-wiel-react-useful = It was useful
arg-wiel-react-yes = { arg-wiel-publish-yes }
cmd-wiel-retract = Withdraw one of your own entries: its text is erased everywhere, all versions
arg-wiel-retract-id = { arg-wiel-react-id }
arg-wiel-retract-reason = Why you withdraw it (optional)
cmd-wiel-edit = Publish a new version of one of your own entries (opens $EDITOR unless FILE is given)
arg-wiel-edit-id = { arg-wiel-react-id }
arg-wiel-edit-file = Markdown with front matter holding the new version
arg-wiel-edit-yes = { arg-wiel-publish-yes }
arg-wiel-retract-yes = Retract even though the privacy guard finds what looks like personal data in the reason (a BSN or IBAN never goes out)
cmd-wiel-list = List entries, newest first (latest versions only, retracted ones left out)
arg-wiel-list-kind = Only this kind (practice, story, question, answer, reaction, retraction, profile, endorsement, key-rotation, revocation, key-history). Without it, `list` leaves out reactions, retractions, profiles and trust entries
arg-wiel-list-space = Only this space
arg-wiel-list-author = Only by this organisation: CBS code, name, or key
arg-wiel-list-since = Created on or after: a date (2026-11-01) or an age (7d, 2w, 12h)
arg-wiel-list-until = Created before: a date (2026-11-01) or an age (7d, 2w, 12h)
arg-wiel-list-tag = Only entries with this tag
arg-wiel-list-theme = Only entries with this theme: { -themes }
arg-wiel-list-limit = At most this many entries
arg-wiel-list-untrusted = Also entries of organisations this node does not trust (kept apart in web-of-trust mode)
arg-wiel-list-all-versions = Also older versions of edited entries
arg-wiel-list-retracted = Also retracted entries (only who wrote them and when remains)
cmd-wiel-show = Show an entry with its versions, answers and reactions
arg-wiel-show-id = { arg-wiel-react-id }
cmd-wiel-search = Search in Dutch, best matches first, with the matched words marked
cmd-wiel-search-long = Word forms meet (gemeente, gemeenten, gemeentes), compounds are found by their parts (jeugdhulpaanbieder by "aanbieder"), and a word that matches nothing is replaced by the closest word in the index ("bedoelde u …"). Example: wiel search onboarding jeugdconsulenten --theme hrm
arg-wiel-search-words = The words to look for
arg-wiel-search-kind = Only this kind: practice, story, question or answer (what search finds)
arg-wiel-search-space = { arg-wiel-list-space }
arg-wiel-search-author = { arg-wiel-list-author }
arg-wiel-search-since = { arg-wiel-list-since }
arg-wiel-search-until = { arg-wiel-list-until }
arg-wiel-search-tag = { arg-wiel-list-tag }
arg-wiel-search-theme = { arg-wiel-list-theme }
arg-wiel-search-limit = { arg-wiel-list-limit }
arg-wiel-search-untrusted = { arg-wiel-list-untrusted }
cmd-wiel-questions = List questions, newest first; with --open only those without an accepted answer
arg-wiel-questions-open = Only questions that have no accepted answer yet
arg-wiel-questions-space = { arg-wiel-list-space }
arg-wiel-questions-author = { arg-wiel-list-author }
arg-wiel-questions-since = { arg-wiel-list-since }
arg-wiel-questions-until = { arg-wiel-list-until }
arg-wiel-questions-tag = { arg-wiel-list-tag }
arg-wiel-questions-theme = { arg-wiel-list-theme }
arg-wiel-questions-limit = { arg-wiel-list-limit }
arg-wiel-questions-untrusted = { arg-wiel-list-untrusted }
cmd-wiel-accept = Accept an answer to one of your own questions: it is marked as the answer that helped, in `wiel show`, `wiel search` and on every node
arg-wiel-accept-id = The answer's id (or a unique prefix)
cmd-wiel-reindex = Build the search index anew from the store (after a damaged disk, or to check)
cmd-wiel-check = Read every stored entry back and check it (signature included). Damaged entries are taken out and fetched again from a peer. Exit code 1 when any was damaged
cmd-wiel-compact = Rewrite the entry log without the space that retracted entries left (zeroed bytes). A node also does this by itself when it starts and more than half of the log, and at least 64 MiB, is dead
cmd-wiel-export = Write all entries as signed JSON lines (for `wiel import` elsewhere) or as Markdown
arg-wiel-export-format = Output format
arg-wiel-export-output = Write to this file instead of stdout
backup-written = Backup written to { $file } ({ $size }). It holds the organisation's key: keep it as safe as the data directory. To restore: wiel --data-dir EMPTY_DIR restore { $file }
restore-failed = cannot restore { $file }
restored = { $organisation } is restored in { $dir }: { $entries } entries, the key and the settings as of { $made_at }. Start the node: what came since, it fetches from the other nodes.
backup-not-a-backup = this is no wiel backup (one starts with a "backup" line and is written by `wiel backup`)
backup-damaged = the backup is cut short or changed: its last line does not match what is before it; nothing was restored
backup-newer-format = the backup is from a newer wiel (format { $format }; this wiel knows up to { $known }): update wiel first
backup-bad-key = the key in the backup cannot be read: { $reason }
backup-needs-passphrase = the key in this backup is sealed with a passphrase: give it with --passphrase-file
backup-wrong-passphrase = the passphrase does not open the key in this backup
passphrase-empty = { $file } does not start with a passphrase (its first line is empty)
arg-wiel-backup-passphrase-file = Seal the organisation's key in the backup with the passphrase in this file (its first line); restoring then needs the same passphrase
arg-wiel-restore-passphrase-file = The passphrase (first line of this file) for a backup whose key is sealed
restore-not-empty = { $dir } is not empty: restore a backup into an empty or new directory (--data-dir)
cmd-wiel-backup = Write a backup of this node: its key, its settings and every entry, with a checksum. Works while the node runs
arg-wiel-backup-file = The file for the backup (readable by its owner only)
cmd-wiel-restore = Restore a backup from `wiel backup` into an empty data directory; the node then fetches what came since
arg-wiel-restore-file = The backup ('-' for stdin)
cmd-wiel-import = Import signed entries from another node's `wiel export`. Every entry is verified; if one is bad, nothing is imported
arg-wiel-import-file = The JSON-lines file ('-' for stdin)
cmd-wiel-node = Run this municipality's node: join the network, gossip entries, serve the local API. Stops cleanly on Ctrl-C or SIGTERM
arg-wiel-node-listen = Address to listen on (repeatable). Default: from config.toml, else /ip4/0.0.0.0/tcp/4001 and /ip4/0.0.0.0/udp/4001/quic-v1
arg-wiel-node-bootstrap = A peer to connect to at start (repeatable), added to those in config.toml
arg-wiel-node-no-mdns = Do not look for peers on the local network (mDNS)
arg-wiel-node-no-kademlia = Do not look for peers beyond the bootstrap list (no Kademlia): connect only where told, e.g. inside a closed network
arg-wiel-node-seed = Run as a seed: an always-on public node (a province, a regional cooperation) that relays for municipalities behind NAT or a firewall, so that they reach each other; also `[node] seed = true`
arg-wiel-node-api = Where the local API listens (127.0.0.1 only). Default: a free port
arg-wiel-node-metrics = Serve Prometheus metrics on this address, e.g. 127.0.0.1:9464. Default: off
arg-wiel-node-log-format = Form of the log: text (lines for people on stderr), json (one JSON object per event, with its fields, for a log collector) or journald (straight to systemd's journal, each field a journal field: WIEL_PEER_ID=…). Run as a service whose stderr goes to the journal, the node chooses journald by itself
arg-wiel-node-heartbeat-ms = Gossip heartbeat in milliseconds (tests use short ones)
cmd-wiel-peers = Show the connected nodes: organisation, address, spaces, latency
cmd-wiel-status = Show the node: listening addresses, peers, spaces with entry counts, last entry received
cmd-wiel-doctor = Examine the node for whoever keeps it running: does it run, can it be reached from outside (and through which relays), connections direct or relayed, hole punching through NAT, the clock against other nodes, disk space, store, web page and configuration; each with what to do. Exits with code 1 on a problem
cmd-wiel-endorse = Vouch for another organisation's key, so that nodes that trust you trust it too (up to their configured depth). With --withdraw, take it back
cmd-wiel-endorse-long = Example: wiel endorse GM0166   (or a key, a name, or the id of one of its entries)
arg-wiel-endorse-organisation = The organisation: CBS code, name, key, or an id (prefix) of one of its entries
arg-wiel-endorse-name = Its name, if this node holds no profile of it
arg-wiel-endorse-code = Its CBS code (GM….), if this node holds no profile of it
arg-wiel-endorse-withdraw = Withdraw your endorsement of this organisation instead of endorsing it
cmd-wiel-key = This organisation's key: move to a new one, or revoke one that was lost or stolen
cmd-wiel-key-rotate = Move to a new key: a rotation entry signed by the current key tells every node that the new key speaks for this organisation, with the same trust. The old key is kept beside the new one as key.old.<time>. Stop the node first
cmd-wiel-key-revoke = Revoke a key of this organisation (name it, or --current): entries it signs from --since on count for nothing on every node; what it signed before stays. After a theft: rotate first, then revoke the old key with the new one. Asks for confirmation (or --yes)
arg-wiel-key-revoke-key = The key to revoke (hex); the current key or one this organisation rotated from
arg-wiel-key-revoke-current = Revoke the key this node signs with now (it can then sign nothing but a move to a new key: run `wiel key rotate` next)
arg-wiel-key-revoke-since = From when: a date (2026-11-01) or an age (7d, 12h). Default: now
arg-wiel-key-revoke-yes = Revoke without asking
cmd-wiel-trust = Whom this node trusts: list, add or remove directly trusted organisations
cmd-wiel-trust-list = The trust mode, depth, and every trusted organisation with who vouches for it
cmd-wiel-trust-add = Trust an organisation directly, without anyone vouching for it
arg-wiel-trust-add-organisation = CBS code, name, key, or an id (prefix) of one of its entries
cmd-wiel-trust-remove = Stop trusting an organisation directly (it may still be trusted through endorsements)
arg-wiel-trust-remove-organisation = { arg-wiel-trust-add-organisation }
cmd-wiel-sync = Catch up now: reconcile every space with the connected peers (or one peer), fetch what is missing here, offer what they lack. Shows progress and ends with a summary. A running node also does this by itself on every new connection and every 5 minutes
arg-wiel-sync-peer = Only this node: its peer id (12D3KooW…), or an address ending in /p2p/<peer id> to connect to first
cmd-wiel-connect = Connect the running node to another node, e.g. /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…
arg-wiel-connect-address = The other node's address
cmd-wiel-demo = Try wiel on sample data: three municipal nodes on this machine, in a line; a question travels along it, is answered and accepted; then a list, a search and a thread
arg-wiel-demo-keep = Keep the demo's nodes in this directory instead of a temporary one

## Errors and what to do about them

error = error
io-not-found = does not exist
io-permission-denied = permission denied (check the rights)
io-already-exists = already exists
io-is-a-directory = is a directory, not a file
io-not-a-directory = is not a directory
io-storage-full = the disk is full
io-read-only = nothing may be written there (read-only)
io-invalid-data = unreadable data (not valid UTF-8 text?)
hint-not-initialised = run `wiel init --name "Gemeente …" --code GM….` first
hint-already-initialised = use another --data-dir to make a new one
hint-search-index = rebuild it with `wiel reindex`
hint-unknown-organisation = give its name and CBS code with --name and --code
hint-own-key-revoked = run `wiel key rotate` to move to a new key
hint-personal-data = publish anyway with --yes
hint-unfollowed-space = or add --new-space to publish there anyway
hint-no-node = start one with `wiel node`
usage-not-a-number = not a whole number

## Why something from another node was not taken

refusal-too-large = too large
refusal-unknown-version = unknown format version
refusal-newer-format = made by a newer version of wiel (update wiel)
refusal-malformed = unreadable
refusal-wrong-network = from another network
refusal-body-hash = body altered after signing
refusal-bad-signature = signature does not verify
refusal-rules = breaks the rules
refusal-not-asked-for = not what was asked for
refusal-wrong-topic = passed on in the wrong space
refusal-wrong-space = from another space than asked
refusal-not-served = promised but not delivered
refusal-sync-endless = a sync that did not end
refusal-sync-inconsistent = inconsistent sync answer
refusal-sync-malformed = unreadable sync message
refusal-sync-out-of-range = sync request beyond any reasonable bound
refusal-other-network-peer = a node of another network
refusal-in-future = dated in the future
refusal-kept-apart = kept apart (not trusted)
refusal-incomplete = received without its text (fetched whole later)
refusal-untrusted = not trusted (trust mode closed)
refusal-too-many-profiles = too many profiles of unknown organisations
refusal-kept-apart-full = room for untrusted entries full
refusal-rate-limited = too many at once (caught up later)
refusal-sync-rate-limited = sync asked too often
refusal-fetch-rate-limited = too many fetches at once
refusal-overloaded = node too busy
refusal-serve-busy = node too busy to answer
refusal-sync-memory-budget = sync asked for too much memory
refusal-no-identify = node did not say which network it is on
refusal-strangers-full = connection refused to keep room for others: strangers held their share, or their network had many connections being set up

## Problems while syncing

sync-problem-rounds = stopped after { $rounds } rounds with entries still missing: sync again later
sync-problem-not-served = { $peer } did not serve { $count } entries it said it holds
sync-problem-fetch-failed = { $peer }: fetch failed: { $detail }
sync-problem-rejected = { $peer } sent { $count } entries that failed validation
sync-problem-postponed = { $peer } ({ $space }): postponed, memory budget
sync-problem-session = { $peer } ({ $space }): { $reason }
api-unauthorized = give the token from DATA_DIR/api.token as 'Authorization: Bearer TOKEN'
api-no-sync-run = no sync run { $run } on this node (only the last 16 are kept)
api-not-an-address = '{ $address }' is not a network address like /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…

data-dir-is-a-file = { $path } is a file, not a directory: give a directory with --data-dir (it need not exist yet)
api-no-peer-id = '{ $address }' does not end in /p2p/<peer id>
api-not-a-peer = '{ $peer }' is neither a peer id (12D3KooW…) nor a network address
dial-nothing-listens = nothing listens there (is the node running there, and is the port right?)
dial-no-answer = no answer (is the address right, or does a firewall stop it?)
dial-itself = that is this node's own address
dial-not-the-node-named = node { $found } answers there, not { $named }, and it did not show that it succeeded it
dial-other-network = a node of another wiel network runs there (the test network or the real one): it is refused
dial-blocked = this node has blocked that node for a while (it was on another network or sent invalid data; see wiel status); try again in ten minutes
dial-no-identify = something answers there, but it did not say in time who it is (is it a wiel node?)
dial-hung-up = the node there broke the connection off at once without saying who it is: it may be on another wiel network, or have blocked this node
dial-other = the connection could not be made (see the node's log)
usage-value-missing = give a value for { $argument }
usage-unexpected = unexpected argument '{ $argument }'

## Names of values in the help

help-default = (default: { $value })
help-possible = (one of: { $values })
value-addr = ADDR
value-address = ADDRESS
value-author = AUTHOR
value-code = CODE
value-contact = CONTACT
value-dir = DIR
value-file = FILE
value-format = FORMAT
value-id = ID
value-kind = KIND
value-limit = LIMIT
value-mode = MODE
value-multiaddr = ADDRESS
value-name = NAME
value-organisation = ORGANISATION
value-output = FILE
value-peer = PEER
value-province = PROVINCE
value-question = QUESTION
value-reason = REASON
value-since = SINCE
value-space = SPACE
value-tag = TAG
value-text = TEXT
value-theme = THEME
value-title = TITLE
value-until = UNTIL
value-words = WORDS
value-comment = COMMENT
value-key = KEY
value-network = NETWORK
value-trust-mode = MODE
value-spaces = SPACE
value-tags = TAG
value-themes = THEME
value-listen = ADDRESS
value-bootstrap = ADDRESS
value-api = ADDR
value-metrics = ADDR
value-heartbeat-ms = MS
value-keep = DIR
value-data-dir = DIR
value-options = OPTIONS

## The web page

cmd-wiel-completions = Write the completion script for a shell to stdout (Tab completes commands and options). For example: wiel completions bash > /etc/bash_completion.d/wiel
arg-wiel-completions-shell = The shell the script is for
cmd-wiel-manual = Write the manual as man pages: wiel.1 and one per command (wiel-list.1, …). For example: wiel manual /usr/local/share/man/man1
arg-wiel-manual-dir = The directory for the pages (made when it is not there)
manual-written = { $count } man pages written in { $dir }; read them with man -l { $dir }/wiel.1
cmd-wiel-config = This node's settings (config.toml)
cmd-wiel-config-check = Read config.toml as wiel node does and say whether all is in order, or what is wrong and on which line. Exits with code 1 on a mistake
config-check-ok = { $file } is in order.
config-check-bad = { $file } has a mistake (see above).
cmd-wiel-web = Open the running node's web page: gives a login link that works once, within 10 minutes, on this computer
web-link = Open this link in your browser (it works once, within 10 minutes, on this computer):
    { $url }
web-tagline = Inventing the wheel together
web-skip = Skip to the content
web-nav = Main menu
web-nav-search = Search
web-nav-questions = Open questions
web-nav-write = Write
web-problem = Something went wrong
web-failed = the node could not finish this; try again
web-wrong-host = This page opens only through the link `wiel web` gives, on this computer.
web-foreign-form = This form did not come from this page; nothing was done. Open the page again and try once more.
web-home-title = Knowledge of municipalities, for municipalities
web-open-questions = Open questions in the region
web-all-open-questions = All open questions
web-newest = New
web-search-title = Search
web-search-label = What are you looking for?
web-search-button = Search
web-theme = Theme
web-any-theme = All themes
web-no-theme = No theme
web-more-results = The best { $shown } of { $total } shown; make your search more precise for others.
web-untrusted-hidden = { $count ->
        [one] 1 match
       *[other] { $count } matches
    } from organisations this node does not trust not shown.
web-retracted = Retracted by its author: the text is erased.
web-reactions = Reactions of organisations
web-accept = This answer helped: accept it
web-your-answer = Your answer
web-send-answer = Send the answer
web-react = Your reaction
web-comment = Comment (optional)
web-send-reaction = Send the reaction
web-choose-verdict = choose a verdict: works, does not work, applied here or useful
web-sign-in-title = Sign in
web-sign-in-how = You are not signed in. Ask whoever runs the node for a login link; they make one on the server with:
web-link-used = This login link was used already or has expired. Ask for a new one; it is made with:
web-kind = What do you want to share?
web-title = Title
web-text = Text
web-story-parts = Only for a practice story
web-tags = Tags (separated by commas)
web-contact = Contact (a work address, optional)
web-publish = Publish
web-privacy-blocked = This holds personal data of a citizen that is never published (see below). Remove it; your text is kept.
web-privacy-confirm = This may hold personal data of a citizen (see below). Check it: remove it, or confirm that it may be published like this.
web-privacy-confirm-box = I checked it: this is no personal data of a citizen, or it may be shared
web-answers = Answers ({ $count })
web-nav-mine = My contributions
web-nav-trust = Trust
web-nav-node = Node
web-retract-title = Withdraw this entry
web-retract-consequences = If you withdraw this entry, the text of all its versions is erased: here, and on every node that receives the withdrawal. Only who wrote it and when stays. This cannot be undone.
web-retract-reason = Why you withdraw it (optional; everyone can read this)
web-retract-button = Withdraw
web-retract-back = Back, do not withdraw
web-trust-explained = This node shows and shares entries of organisations it trusts: directly, or because a trusted organisation vouches for them (an endorsement). Entries of other organisations are kept apart.
web-organisation = Organisation
web-how = How trusted
web-per-week = New entries per week, per space (last 12 weeks)
web-per-week-table = New entries per week (0 is this week)
web-spaces = Spaces
web-entries = Entries
web-kept-apart = Kept apart
web-edit-title = Make a new version
web-editing = You are making a new version ({ $kind }); the previous version is kept.
web-show-more = { $shown } of { $total } shown: show more results

## Signing in through the municipality's identity provider; the page beyond this machine
web-link-not-here = Login links work only on the computer where the node runs. Here you sign in through your organisation.
web-sign-in-again = Sign in again
web-sign-in-unreachable = Your organisation's sign-in service cannot be reached right now. Try again in a few minutes; if it stays like this, tell the ICT department.
web-sign-in-unknown = This sign-in is unknown or took too long. Start again.
web-sign-in-refused = Your organisation's sign-in was not accepted, so you are not signed in. Try again; if it keeps happening, tell the ICT department.
web-sign-in-no-name = Your organisation's sign-in does not pass on your name, and what you publish here carries your name. Ask the ICT department to pass on the name claim.
web-signed-in = You are signed in as { $who }.
web-signed-in-consent = What you publish here, answer or react carries your name and role: { $who }. Every participating organisation can read it. By sending it, you agree to that.
web-continue = Continue to wiel
web-sign-out = Sign out
web-signed-out = You are signed out.
web-wrong-host-shared = This page answers only at the address your organisation gave for it.
web-setup-needs-sign-in = [web] listen is set in config.toml, but [web.sign_in] is not: the page is served beyond this computer only with sign-in through your organisation's identity provider (OpenID Connect)
web-setup-needs-address = [web] listen is set in config.toml, but [web] address is not: give the address colleagues open, for example "https://wiel.zwolle.nl"
web-setup-bad-address = [web] address "{ $given }" in config.toml is not a web address such as "https://wiel.zwolle.nl" (no path, no query)
web-setup-needs-https = [web] listen { $listen } serves beyond this computer, so [web] address must start with https:// (put a TLS proxy in front of the node)
web-setup-bad-issuer = [web.sign_in] issuer "{ $given }" in config.toml is not an https address of an identity provider (http only on this computer)
web-setup-secret = cannot read the client secret in { $path } ([web.sign_in] client_secret_file): { $detail }
web-setup-cannot-listen = cannot serve the web page on { $listen } ([web] listen): { $detail }
web-edit-answer = Change this answer
web-retract-answer = Withdraw this answer
web-endorse-title = Vouch for an organisation
web-endorse-explained = When your organisation vouches for another, every node that trusts yours trusts it too, and shows what it publishes. Vouch only for an organisation whose key you checked with it, by phone or in person.
web-endorse-which = Organisation (name, CBS code such as GM0166, or key)
web-endorse-button = Vouch for it
web-withdraw-endorsement = Stop vouching
web-withdraw-endorsement-of = Stop vouching for { $organisation }
web-new-entry = New:
web-results-count = { $count ->
    [one] 1 result
   *[other] { $count } results
}
web-sign-in-busy = Many people are signing in right now. Try again in a moment.
web-sign-in-not-allowed = You are signed in with your organisation, but your role does not give access to wiel. Ask the ICT department for it.
web-not-yours = You can change or withdraw only what you published yourself. Ask a colleague with an editor's role, or the ICT department.
web-trust-not-yours = Vouching for organisations is done by colleagues whose role allows it, or on the node's own computer.
arg-wiel-web-no-open = Only print the link; do not open it in this computer's browser
web-opened = Opened in your browser.
peer-via-relay = via a relay

node-network-failed = the node's network stopped unexpectedly (see the log); the node stopped and can be started again

## wiel doctor
doctor-ok = ok
doctor-note = note
doctor-warn = warning
doctor-fail = problem
doctor-problems = { $count ->
        [one] wiel doctor found 1 problem (see above)
       *[other] wiel doctor found { $count } problems (see above)
    }
doctor-check-config = configuration
doctor-check-node = node
doctor-check-reachability = reachability
doctor-check-peers = connections
doctor-check-hole_punching = hole punching
doctor-check-clock = clock
doctor-check-disk = disk
doctor-check-store = store
doctor-check-web = web page
doctor-config-ok = config.toml is in order.
doctor-config-unreadable = config.toml cannot be read: { $reason }
doctor-config-no-bootstrap = config.toml has no bootstrap address: this node finds only nodes on its own network. Put a seed's address under [node] bootstrap.
doctor-config-loopback-only = The node listens on this computer only (127.0.0.1): other municipalities cannot reach it. Put e.g. /ip4/0.0.0.0/tcp/4001 under [node] listen.
doctor-node-not-running = The node is not running: start it with `wiel node` (or `systemctl start wiel`). Without a running node nothing comes in and nothing goes out.
doctor-node-running = The node is running as { $peer_id }.
doctor-reach-public = Other nodes can reach this node directly at { $address }.{ $relays ->
        [yes] { " " }It also relays for nodes behind NAT.
       *[no] {""}
    }
doctor-reach-private-relayed = This node cannot be reached directly from outside (NAT or firewall), but it can through { $count ->
        [one] 1 relay
       *[other] { $count } relays
    }. That works; direct is faster: have port { $port } (TCP and UDP) forwarded to this server if you can.
doctor-reach-private-alone = This node cannot be reached from outside (NAT or firewall) and has no relay: other municipalities cannot reach it. Put a seed under [node] bootstrap, or have port { $port } (TCP and UDP) forwarded to this server.
doctor-reach-unknown-relayed = Not tested yet whether this node can be reached from outside; it can be reached through { $count ->
        [one] 1 relay
       *[other] { $count } relays
    }.
doctor-reach-seed-unknown = This seed listens on no address that can be reached from outside (only 127.0.0.1 or a private address): nodes behind NAT cannot use it. Put the server's public address under [node] listen.
doctor-reach-unknown = Not tested yet whether this node can be reached from outside: that needs a connected seed. Put a seed under [node] bootstrap, or wait a minute and ask again.
doctor-peers-none = No connections to other nodes: check the bootstrap addresses in config.toml and that the firewall lets outgoing traffic to port { $port } through.
doctor-peers = Connected to { $direct } { $direct ->
        [one] node
       *[other] nodes
    } directly and { $relayed } through a relay.
doctor-punch = Hole punching through NAT: { $done } succeeded, { $failed } failed.
doctor-punch-never = Hole punching through NAT has not succeeded ({ $failed } failed on this side): { $relayed ->
        [one] 1 connection has stayed
       *[other] { $relayed } connections have stayed
    } on a relay for more than half a minute. That works, but slower. The NAT router probably picks a new port for every destination; ask the network administrator to forward port { $port } (TCP and UDP) to this server.
doctor-clock-unknown = The clock has not been compared: that needs at least 3 connected nodes of trusted organisations (now { $count }).
doctor-clock-ok = The clock agrees with { $count } other { $count ->
        [one] node
       *[other] nodes
    } (difference { $seconds } s).
doctor-clock-ahead = This server's clock is { $seconds } seconds ahead of { $count } other { $count ->
        [one] node
       *[other] nodes
    }: this node's entries may be refused elsewhere. Turn on time synchronisation (e.g. `timedatectl set-ntp true`).
doctor-clock-behind = This server's clock is { $seconds } seconds behind { $count } other { $count ->
        [one] node
       *[other] nodes
    }: new entries from others are then refused. Turn on time synchronisation (e.g. `timedatectl set-ntp true`).
doctor-disk-ok = Free disk space: { $free } ({ $percent }%).
doctor-disk-low = Only { $free } ({ $percent }%) of disk space free: free some space or give the data directory more, or the node stops storing.
doctor-disk-unknown = Free disk space cannot be read: { $reason }
doctor-store = The store can be read: { $count ->
        [one] 1 entry
       *[other] { $count } entries
    }.
doctor-store-unreadable = The store cannot be opened: { $reason }
doctor-kept-apart-full = What is kept apart (from organisations not trusted here) is nearly full: { $size } of { $limit }. After that, news from them is refused; raise [trust] max_kept_apart_bytes or trust whom you know.
doctor-web-answers = The web page for colleagues answers.
doctor-web-no-answer = The web page for colleagues does not answer ({ $reason }): look at the node's log.
