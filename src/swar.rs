//! Eight bytes at a time: a `u64` read from a byte slice tested lane by lane with
//! arithmetic instead of one branch per byte (the tokenizer's word runs, the diff JSON's
//! escape scan). Each function marks the lanes that match by their high bit.

/// The high bit of each byte of a `u64`.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Each byte of a `u64` with the value `x`.
pub(crate) const fn lanes(x: u8) -> u64 {
    0x0101_0101_0101_0101 * x as u64
}

/// The high bit of each byte lane of `w` equal to `x`.
pub(crate) fn lanes_equal(w: u64, x: u8) -> u64 {
    let v = w ^ lanes(x);
    // A zero lane stays below 0x80 after adding 0x7f to its low seven bits, and has no
    // high bit of its own; every other lane has one or the other.
    !(((v & lanes(0x7f)) + lanes(0x7f)) | v) & HIGH_BITS
}

/// The high bit of each byte lane of `w` whose value lies strictly between `lo` and `hi`
/// (bytes of 0x80 and above never do; `hi` at most 0x80).
pub(crate) fn lanes_between(w: u64, lo: u8, hi: u8) -> u64 {
    let low7 = w & lanes(0x7f);
    (lanes(0x7f + hi) - low7) & !w & (low7 + lanes(0x7f - lo)) & HIGH_BITS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lanes_match_byte_by_byte(bytes in proptest::array::uniform8(any::<u8>()), x: u8, lo in 0u8..0x80, hi in 0u8..=0x80) {
            let w = u64::from_le_bytes(bytes);
            for (k, &b) in bytes.iter().enumerate() {
                let bit = 0x80u64 << (8 * k);
                prop_assert_eq!(lanes_equal(w, x) & bit != 0, b == x);
                prop_assert_eq!(lanes_between(w, lo, hi) & bit != 0, b > lo && b < hi);
            }
        }
    }
}
