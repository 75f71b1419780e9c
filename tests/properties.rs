//! Property tests: any input parses, without panic, into a lossless tree.

use proptest::prelude::*;
use treaty_analyser::{cite, parse, tree};

/// Lines that look like pieces of a treaty, to reach deep into the parser.
fn treaty_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..30).prop_map(|n| format!("Article {n}")),
        (0u32..30).prop_map(|n| format!("ARTICLE {n}: Caption")),
        Just("Article 51 of the Charter".to_string()),
        Just("CHAPTER II".to_string()),
        Just("PREAMBLE".to_string()),
        Just("Have agreed as follows:".to_string()),
        Just("IN WITNESS WHEREOF".to_string()),
        Just("ANNEX I".to_string()),
        Just("Статья 1".to_string()),
        (1u32..5).prop_map(|n| format!("{n}. Paragraph text.")),
        prop::sample::select(vec!["(a)", "(b)", "(h)", "(i)", "(ii)", "a)", "–", "i."])
            .prop_map(|m| format!("{m} item")),
        Just(String::new()),
        "[ -~éЖ\u{feff}]{0,40}",
    ]
}

fn line_end() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["\n", "\r\n", "\r", "\n\n"])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_parses_losslessly(s in "\\PC*") {
        let p = parse(&s);
        prop_assert!(tree::validate(&p.document.root, &s).is_ok());
        prop_assert_eq!(tree::leaf_text(&p.document.root, &s), s);
    }

    #[test]
    fn treaty_shaped_input_parses_losslessly(
        parts in prop::collection::vec((treaty_line(), line_end()), 0..60)
    ) {
        let s: String = parts.iter().map(|(l, e)| format!("{l}{e}")).collect();
        let p = parse(&s);
        if let Err(e) = tree::validate(&p.document.root, &s) {
            prop_assert!(false, "{}", e);
        }
        prop_assert_eq!(tree::leaf_text(&p.document.root, &s), s.clone());
        for d in &p.diagnostics {
            prop_assert!(d.line >= 1 && d.column >= 1);
        }
    }

    #[test]
    fn citations_never_panic(c in "[0-9a-z():.\\- ]{0,30}") {
        let p = parse("Article 1\nScope\n\n1. Text:\n(a) one;\n(b) two.\n");
        let _ = cite::resolve(&p.document.root, &c);
    }
}
