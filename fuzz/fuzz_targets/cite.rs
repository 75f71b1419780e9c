//! A citation (the first line) against a document (the rest): resolving never panics, and
//! whatever it returns are nodes of that document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (citation, text) = s.split_once('\n').unwrap_or((s, ""));
    let p = treaty_analyser::parse(text);
    if let Ok(nodes) = treaty_analyser::cite::resolve(&p.document.root, citation) {
        for n in nodes {
            assert!(n.span.end <= text.len(), "cited node outside the document");
            let _ = n.text(text);
        }
    }
});
