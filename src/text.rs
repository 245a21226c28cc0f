//! Checks that a piece of prose reads cleanly: no doubled words ("when when"),
//! no wrong "a"/"an", no dangling punctuation or unfilled template slots.
//! Used on the data when the catalog loads and on every generated comparison.

/// User input shortened for a message: control characters removed and at
/// most `max` characters kept, with an ellipsis when cut.
pub fn shorten(input: &str, max: usize) -> String {
    let clean: String = input.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > max {
        format!("{}…", clean.chars().take(max).collect::<String>())
    } else {
        clean
    }
}

/// Everything wrong with `text`, as short human-readable notes.
pub fn prose_problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if text.trim().is_empty() {
        out.push("is empty".to_string());
        return out;
    }
    if text != text.trim() {
        out.push("has leading or trailing white space".to_string());
    }
    if text.contains("  ") {
        out.push("has a double space".to_string());
    }
    for bad in [",.", " ()", "{", "}", "TODO", "TBD"] {
        if text.contains(bad) {
            out.push(format!("contains {bad:?}"));
        }
    }
    // Punctuation standing alone (" ." at the end of a clause) is a slot that
    // was left empty; ".NET" or "status: :created" are not.
    let chars: Vec<char> = text.chars().collect();
    for (i, w) in chars.windows(2).enumerate() {
        let dangling = w[0] == ' '
            && matches!(w[1], '.' | ',' | ';' | ':')
            && chars.get(i + 2).is_none_or(|c| c.is_whitespace());
        let doubled = w[0] == '.' && w[1] == '.' && chars.get(i + 2) != Some(&'.');
        if dangling || doubled {
            out.push(format!(
                "has dangling punctuation near {:?}",
                &chars[i.saturating_sub(12)..(i + 3).min(chars.len())]
                    .iter()
                    .collect::<String>()
            ));
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        let a = bare(first);
        let b = bare(second);
        if !a.is_empty()
            && a.eq_ignore_ascii_case(b)
            && !first.ends_with(|c: char| c.is_ascii_punctuation())
            && a.chars().any(char::is_alphabetic)
        {
            out.push(format!("repeats the word {a:?}"));
        }
        if let Some(problem) = article_problem(first, b) {
            out.push(problem);
        }
    }
    out
}

/// The word without surrounding punctuation or quotes.
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Flags "a" before a vowel sound and "an" before a consonant sound, only where
/// the sound is certain from the spelling (acronyms and "u"/"h" words are left alone).
fn article_problem(article: &str, next: &str) -> Option<String> {
    let article_lower = article.to_ascii_lowercase();
    if article_lower != "a" && article_lower != "an" {
        return None;
    }
    let first = next.chars().next()?;
    let expected = if first.is_ascii_digit() {
        article_for(next)
    } else if next
        .split(['-', '.', '/'])
        .next()
        .is_some_and(|head| head.chars().all(|c| !c.is_ascii_lowercase()))
    {
        // An acronym or a letter name ("an X-Forwarded-For", "a URL"): its
        // sound depends on how it is spoken.
        return None;
    } else {
        let lower = next.to_ascii_lowercase();
        if lower.starts_with(['u', 'h']) || lower.starts_with("one") || lower.starts_with("eu") {
            return None;
        }
        if lower.starts_with(['a', 'e', 'i', 'o']) {
            "an"
        } else {
            "a"
        }
    };
    (article_lower != expected).then(|| format!("says {article:?} before {next:?}"))
}

/// "a" or "an" for the word that follows, by its sound for the words we use
/// (class keys such as "1xx", "4xx", "8xx" are read as numbers).
pub fn article_for(next: &str) -> &'static str {
    let first = next.chars().next().unwrap_or('x');
    let lower = next.to_ascii_lowercase();
    let vowel_sound = match first {
        // "eight", "eleven", "eighteen": only 8 and 11/18 start with a vowel sound.
        '8' => true,
        '1' => lower.starts_with("11") || lower.starts_with("18"),
        c if c.is_ascii_digit() => false,
        _ => {
            (lower.starts_with(['a', 'e', 'i', 'o'])
                || (lower.starts_with('u')
                    && !lower.starts_with("uni")
                    && !lower.starts_with("use")))
                || lower.starts_with("http")
                || lower.starts_with("ftp")
                || lower.starts_with("smtp")
                || lower.starts_with("sip")
                || lower.starts_with("rfc")
        }
    };
    if vowel_sound { "an" } else { "a" }
}

#[cfg(test)]
mod tests {
    use super::{article_for, prose_problems};

    #[test]
    fn clean_prose_passes() {
        assert!(prose_problems("An origin sends a 4xx response and an 8xx code.").is_empty());
        assert!(prose_problems("It is an HTTP server, a unique case, an hour later.").is_empty());
    }

    #[test]
    fn defects_are_found() {
        assert!(!prose_problems("You see it when when upgrading.").is_empty());
        assert!(!prose_problems("It is a error.").is_empty());
        assert!(!prose_problems("It is an proxy.").is_empty());
        assert!(!prose_problems("Dangling .").is_empty());
        assert!(!prose_problems("Unfilled {slot}.").is_empty());
        assert!(!prose_problems(" padded").is_empty());
        assert!(!prose_problems("").is_empty());
        assert!(!prose_problems("It is a 8xx code.").is_empty());
    }

    #[test]
    fn articles_follow_sound() {
        assert_eq!(article_for("1xx Informational"), "a");
        assert_eq!(article_for("4xx Client Error"), "a");
        assert_eq!(article_for("8xx"), "an");
        assert_eq!(article_for("unofficial code"), "an");
        assert_eq!(article_for("HTTP status code"), "an");
        assert_eq!(article_for("gRPC status code"), "a");
        assert_eq!(article_for("SMTP reply"), "an");
        assert_eq!(article_for("user"), "a");
    }
}
