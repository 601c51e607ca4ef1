//! "Did you mean …": the closest known word to a misspelt one.

use unicode_normalization::UnicodeNormalization;

/// The candidate closest to `word`, if it is close enough to be a plausible
/// typo: at most one edit for short words, about a third of the length for
/// longer ones. Case and accents do not count as differences, so
/// `Recommande` finds `recommandé`.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
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
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
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
pub fn fold(word: &str) -> String {
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
    fn one_of_reads_as_a_sentence() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
