//! The documentation stays true: the drafting timeline of `drafts/README.md` is in date
//! order.

/// (year, month, day) of a timeline date such as "5 June 2008", "27–28 June 2009" (the
/// first day counts) or "December 2008" (the first of the month).
fn date(cell: &str) -> Option<(u32, u32, u32)> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let words: Vec<&str> = cell.split_whitespace().collect();
    let (&year, rest) = words.split_last()?;
    let (&month, rest) = rest.split_last()?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let day = match rest.first() {
        Some(d) => d
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()?,
        None => 1,
    };
    Some((year.parse().ok()?, month, day))
}

#[test]
fn the_drafting_timeline_is_in_date_order() {
    let readme = std::fs::read_to_string("drafts/README.md").unwrap();
    let section = readme
        .split("## Drafting history")
        .nth(1)
        .expect("drafts/README.md has the drafting history");
    let dates: Vec<(u32, u32, u32)> = section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| date") && !l.starts_with("| ---"))
        .map(|l| {
            let cell = l.split('|').nth(1).unwrap_or("").trim();
            date(cell).unwrap_or_else(|| panic!("unreadable date '{cell}'"))
        })
        .collect();
    assert!(dates.len() >= 5, "the timeline has its rows: {dates:?}");
    for w in dates.windows(2) {
        assert!(
            w[0] <= w[1],
            "out of date order: {:?} before {:?}",
            w[0],
            w[1]
        );
    }
}

#[test]
fn timeline_dates_are_read_as_written() {
    assert_eq!(date("5 June 2008"), Some((2008, 6, 5)));
    assert_eq!(date("27–28 June 2009"), Some((2009, 6, 27)));
    assert_eq!(date("December 2008"), Some((2008, 12, 1)));
    assert_eq!(date("Juin 2009"), None);
}
