//! Bad input: arbitrary strings (unicode, control characters, 100 KB strings, query-parser
//! syntax) in SearchCodes, GetCode and ValidateCodes never crash a call; each is answered with
//! results or INVALID_ARGUMENT (GetCode may also say NOT_FOUND), and the server keeps serving.
//! The strings come from a small seeded generator, so every run tries the same ones.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod own_server;

use std::time::Duration;

use codify::grpc::proto::code_service_client::CodeServiceClient;
use codify::grpc::proto::{GetCodeRequest, ValidateCodesRequest};
use common::{get, item, search, CPT, HCPCS, ICD, IN_FORCE};
use own_server::{small_config, RunningServer, ScratchDir};
use tonic::Code;

/// Strings tried per run.
const CASES: usize = 300;

/// Pieces strings are made of: query syntax, code-like text, unicode and control characters.
const PIECES: &[&str] = &[
    "\"",
    "*",
    "?",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    ":",
    "~",
    "~2",
    "^3",
    "\\",
    "[",
    "]",
    "{",
    "}",
    "+",
    "-",
    "/",
    "title:",
    "code:",
    "TO",
    "E11.9",
    "99213",
    "J1100",
    "A00",
    ".",
    "..",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\0",
    "\u{7}",
    "\u{1b}[31m",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "é",
    "e\u{301}",
    "ß",
    "İ",
    "Ω",
    "心脏",
    "🫀",
    "👨‍👩‍👧",
    "\u{10ffff}",
    "\u{fffd}",
    "%s",
    "%n",
    "'; DROP TABLE codes; --",
    "heart attack",
    "office visit",
    "diabetes",
    "2026-06-01",
    "2026-13-45",
    "0000-00-00",
    "9999-12-31",
    "-1",
    "18446744073709551616",
    "NaN",
];

/// A xorshift generator: the same strings on every run.
struct Strings(u64);

impl Strings {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    fn string(&mut self) -> String {
        match self.below(10) {
            // A long string: 100 KB of one piece repeated, or of random characters.
            0 => PIECES[self.below(PIECES.len())].repeat(100_000 / PIECES.len().max(1)).chars().take(100_000).collect(),
            1 => (0..100_000).map(|_| self.char()).collect(),
            // Random characters, control and surrogate-adjacent ranges included.
            2 | 3 => (0..self.below(40)).map(|_| self.char()).collect(),
            // A few pieces joined.
            _ => (0..1 + self.below(8)).map(|_| PIECES[self.below(PIECES.len())]).collect(),
        }
    }

    fn char(&mut self) -> char {
        let value = match self.below(4) {
            0 => self.below(0x80) as u32,
            1 => self.below(0x800) as u32,
            2 => self.below(0x1_0000) as u32,
            _ => self.below(0x11_0000) as u32,
        };
        char::from_u32(value).unwrap_or('\u{fffd}')
    }
}

fn check(what: &str, input: &str, outcome: Result<(), tonic::Status>, allowed: &[Code]) {
    if let Err(status) = outcome {
        let shown: String = input.chars().take(80).collect();
        assert!(allowed.contains(&status.code()), "{what} of {shown:?} ({} chars): {status:?}", input.chars().count());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_strings_get_results_or_invalid_argument() {
    let scratch = ScratchDir::new("properties");
    let server = RunningServer::start(small_config(&scratch)).await;
    let channel = common::channel(server.address).await.expect("connect");
    let mut client = CodeServiceClient::new(channel).max_decoding_message_size(64 * 1024 * 1024);
    let mut strings = Strings(0x9e37_79b9_7f4a_7c15);

    let outcome = tokio::time::timeout(Duration::from_secs(120), async {
        for case in 0..CASES {
            let text = strings.string();
            let system = [0, ICD, HCPCS, CPT][case % 4];

            let mut request = search(&text);
            request.systems = if system == 0 { Vec::new() } else { vec![system] };
            let searched = client.search_codes(request).await.map(|_| ());
            check("search", &text, searched, &[Code::InvalidArgument]);

            let got = client.get_code(get(system, &text, IN_FORCE)).await.map(|_| ());
            check("get", &text, got, &[Code::InvalidArgument, Code::NotFound]);
            let dated = client.get_code(GetCodeRequest { system: CPT, code: "99213".to_string(), as_of: text.clone() });
            check("get as_of", &text, dated.await.map(|_| ()), &[Code::InvalidArgument]);

            let items = vec![item(system, &text, IN_FORCE), item(CPT, "99213", &text)];
            let validated = client.validate_codes(ValidateCodesRequest { items }).await.map(|_| ());
            check("validate", &text, validated, &[Code::InvalidArgument]);
        }
        // Still serving normally.
        let response = client.search_codes(search("office visit")).await.expect("served after bad input");
        assert!(!response.into_inner().results.is_empty());
    })
    .await;
    outcome.expect("property test finishes within 120 s");
    server.stop().await;
}
