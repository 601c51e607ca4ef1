//! "Did you mean …": the closest known word to a misspelt one.

use unicode_normalization::UnicodeNormalization;

/// Candidates longer than this (in bytes) are never suggested.
const MAX_CANDIDATE: usize = 1024;

/// The candidate closest to `word`, if it is close enough to be a plausible
/// typo: at most one edit for short words, about a third of the length for
/// longer ones. Case and accents do not count as differences, so
/// `Recommande` finds `recommandé`.
pub(crate) fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    // Nothing a typo of a known word is this long; and edit distance is
    // quadratic, so a megabyte of garbage must not reach it.
    if word.len() > 64 {
        return None;
    }
    let folded = fold(word);
    let limit = (folded.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        // Nor is a known word this long (a corrupt invoice number of 100 KB
        // in a ledger): folding and comparing it for every unknown
        // reference took seconds.
        .filter(|candidate| candidate.len() <= MAX_CANDIDATE)
        .map(|candidate| {
            (
                strsim::damerau_levenshtein(&folded, &fold(candidate)),
                candidate,
            )
        })
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, candidate)| (distance, candidate.len()))
        .map(|(_, candidate)| candidate)
}

/// ` Did you mean `x`?` or nothing, ready to append to a help text.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates).map(|found| format!("did you mean `{found}`?"))
}

/// A name as messages quote it: at most 40 characters, so that a
/// megabyte-long word cannot flood a report.
pub fn short(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(40) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// Lower case without accents: the form in which two names are compared.
pub(crate) fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `a`, `a` or `b`, `a`, `b` or `c` — each in backticks.
pub fn one_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_case_and_accents() {
        let channels = ["email", "courrier", "recommandé", "sms", "huissier"];
        assert_eq!(closest("emial", channels), Some("email"));
        assert_eq!(closest("recommande", channels), Some("recommandé"));
        assert_eq!(closest("Courier", channels), Some("courrier"));
        assert_eq!(closest("pigeon", channels), None);
    }

    #[test]
    fn a_huge_candidate_is_never_folded_nor_compared() {
        let huge = "é".repeat(100_000);
        let started = std::time::Instant::now();
        for _ in 0..1000 {
            assert_eq!(closest("F-1", [huge.as_str(), "F-2"]), Some("F-2"));
        }
        // Folding the candidate each time took seconds (issue 17's fuzzing).
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn one_of_reads_as_a_sentence() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
