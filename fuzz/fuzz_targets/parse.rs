//! Any bytes: decoding never panics, and a decoded text parses into a lossless tree (every
//! byte in exactly one leaf, spans on character boundaries, unique ids).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = treaty_analyser::input::decode(data, "fuzz", None) else {
        return;
    };
    let p = treaty_analyser::parse(&text);
    if let Err(e) = treaty_analyser::tree::validate(&p.document.root, &text) {
        panic!("lossless-tree invariant broken: {e:?}");
    }
    let _ = serde_json::to_string(&p.document.root);
});
