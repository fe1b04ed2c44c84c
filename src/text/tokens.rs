//! Word and punctuation tokens with byte offsets: the unit every later stage (section
//! headers, trigger rules, scope) matches on, so that "No  fever" and "no\nfever" look alike.
//!
//! A word is a run of letters and digits, kept whole across an inner apostrophe ("didn't"),
//! hyphen ("x-ray", "heme-negative"), slash ("r/o", "s/p") or a decimal point between digits
//! ("2.5"). Every other non-space character is a one-character punctuation token.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Word,
    Punct,
}

/// One token: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: TokenKind,
}

impl Token {
    pub(crate) fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    pub(crate) fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// The tokens of `text[range]`, with offsets into `text`.
pub(crate) fn tokenize(text: &str, range: std::ops::Range<usize>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let slice = &text[range.clone()];
    let mut chars = slice.char_indices().peekable();
    while let Some((offset, character)) = chars.next() {
        let start = range.start + offset;
        if character.is_whitespace() {
            continue;
        }
        if !character.is_alphanumeric() {
            tokens.push(Token { start, end: start + character.len_utf8(), kind: TokenKind::Punct });
            continue;
        }
        let mut end = start + character.len_utf8();
        let mut previous = character;
        while let Some(&(next_offset, next)) = chars.peek() {
            if next.is_alphanumeric() {
                end = range.start + next_offset + next.len_utf8();
                previous = next;
                chars.next();
                continue;
            }
            let joins = match next {
                '\'' | '-' | '/' => true,
                '.' => previous.is_ascii_digit(),
                _ => false,
            };
            let after = slice[next_offset + next.len_utf8()..].chars().next();
            let continues = match (next, after) {
                ('.', Some(after)) => after.is_ascii_digit(),
                (_, Some(after)) => after.is_alphanumeric(),
                (_, None) => false,
            };
            if !(joins && continues) {
                break;
            }
            chars.next();
        }
        tokens.push(Token { start, end, kind: TokenKind::Word });
    }
    tokens
}

/// Whether the token's text equals `lowercase` (already lower case), ignoring ASCII case.
pub(crate) fn token_is(text: &str, token: &Token, lowercase: &str) -> bool {
    token.text(text).eq_ignore_ascii_case(lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        tokenize(text, 0..text.len()).iter().map(|token| token.text(text)).collect()
    }

    #[test]
    fn words_keep_inner_joiners_and_decimals() {
        assert_eq!(
            texts("He didn't take 2.5 mg; r/o PE, s/p x-ray."),
            ["He", "didn't", "take", "2.5", "mg", ";", "r/o", "PE", ",", "s/p", "x-ray", "."]
        );
    }

    #[test]
    fn leading_hyphen_and_trailing_period_are_punctuation() {
        assert_eq!(texts("ROS -ve for anemia."), ["ROS", "-", "ve", "for", "anemia", "."]);
        assert_eq!(texts("Dr. Smith 3."), ["Dr", ".", "Smith", "3", "."]);
    }

    #[test]
    fn offsets_are_bytes_into_the_whole_text() {
        let text = "ab  cé, d";
        let tokens = tokenize(text, 2..text.len());
        let spans: Vec<(usize, usize)> = tokens.iter().map(|token| (token.start, token.end)).collect();
        assert_eq!(spans, [(4, 7), (7, 8), (9, 10)]);
        assert_eq!(tokens[0].kind, TokenKind::Word);
        assert_eq!(tokens[1].kind, TokenKind::Punct);
    }
}
