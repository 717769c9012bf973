//! Content codings: which one a client accepts (`Accept-Encoding`, with q-values), and the
//! compression itself. Bodies are compressed once, when a cache entry or a static asset is
//! made, never per request.

use std::io::Write;

/// A content coding glossa sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// Brotli (`br`): the smallest.
    Brotli,
    /// `gzip`: understood everywhere.
    Gzip,
    /// No coding.
    Identity,
}

impl Coding {
    /// Preferred first when a client weighs several codings the same.
    pub const PREFERENCE: [Coding; 3] = [Coding::Brotli, Coding::Gzip, Coding::Identity];

    /// Its token in `Accept-Encoding` and `Content-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
            Coding::Identity => "identity",
        }
    }
}

/// How hard to compress: once at start for static assets, or on the way to a reader for a
/// freshly rendered page (where a few milliseconds of the first reader's wait matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// Best ratio: static assets, compressed once per process.
    Best,
    /// Fast: rendered pages and JSON, compressed once per change of the data.
    Fast,
}

/// Bodies smaller than this are sent as they are: the coding's framing would eat the gain.
pub const MIN_COMPRESSIBLE: usize = 256;

/// The coding to send, among those `available`, for a request's `Accept-Encoding` value
/// (RFC 9110 §12.5.3). No header means any coding is acceptable, but glossa sends identity,
/// as clients that say nothing may not decode anything else. The highest q-value wins, ties go
/// to [`Coding::PREFERENCE`]; `*` stands for every coding not named; q=0 refuses. When the
/// client refuses everything, even identity, it still gets identity: an unreadable answer
/// helps nobody, and a 406 would not either.
pub fn negotiate(accept_encoding: Option<&str>, available: &[Coding]) -> Coding {
    let Some(header) = accept_encoding else {
        return Coding::Identity;
    };
    let mut best = Coding::Identity;
    let mut best_q = 0.0_f32;
    for coding in Coding::PREFERENCE {
        if !available.contains(&coding) {
            continue;
        }
        let q = weight(header, coding);
        if q > best_q {
            best = coding;
            best_q = q;
        }
    }
    best
}

/// The q-value `header` gives `coding`: its own entry, else `*`'s, else 0 (identity: barely
/// above 0, acceptable unless refused, but any coding the client names is preferred to it).
/// Read in place: this runs for every cached answer.
fn weight(header: &str, coding: Coding) -> f32 {
    let token = coding.token();
    let mut star = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let named = name.eq_ignore_ascii_case(token)
            || (coding == Coding::Gzip && name.eq_ignore_ascii_case("x-gzip"));
        if !named && name != "*" {
            continue;
        }
        let q = parts
            .filter_map(|p| {
                let (key, value) = p.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("q")
                    .then(|| value.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0)
            .clamp(0.0, 1.0);
        if named {
            return q;
        }
        star = Some(q);
    }
    match (star, coding) {
        (Some(q), _) => q,
        (None, Coding::Identity) => f32::MIN_POSITIVE,
        (None, _) => 0.0,
    }
}

/// Every `Accept-Encoding` line of a request as one list (a client may send several).
pub fn accepted(headers: &axum::http::HeaderMap) -> Option<std::borrow::Cow<'_, str>> {
    let mut lines = headers
        .get_all(axum::http::header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok());
    let first = lines.next()?;
    match lines.next() {
        None => Some(std::borrow::Cow::Borrowed(first)),
        Some(second) => {
            let mut joined = format!("{first}, {second}");
            for line in lines {
                joined.push_str(", ");
                joined.push_str(line);
            }
            Some(std::borrow::Cow::Owned(joined))
        }
    }
}

/// What a request accepts, restated with only the codings glossa sends and their q-values:
/// the same choice as [`negotiate`] on the original, but never a refusal of identity, so that
/// no layer answers 406 to a request it has already carried out (a note written, a session
/// opened). Identity stays the last resort, as [`negotiate`] says.
pub fn restated(accept_encoding: Option<&str>) -> axum::http::HeaderValue {
    let Some(header) = accept_encoding else {
        return axum::http::HeaderValue::from_static("identity");
    };
    let mut codings: Vec<(Coding, f32)> = [Coding::Brotli, Coding::Gzip]
        .into_iter()
        .map(|c| (c, weight(header, c)))
        .filter(|(_, q)| *q > 0.0)
        .collect();
    codings.sort_by(|a, b| b.1.total_cmp(&a.1));
    if codings.is_empty() {
        return axum::http::HeaderValue::from_static("identity");
    }
    let list: Vec<String> = codings
        .iter()
        .map(|(c, q)| format!("{};q={q:.3}", c.token()))
        .collect();
    axum::http::HeaderValue::from_str(&list.join(", "))
        .unwrap_or(axum::http::HeaderValue::from_static("identity"))
}

/// `body` in `coding`, or `None` when coding it would not make it smaller.
pub fn compress(body: &[u8], coding: Coding, effort: Effort) -> Option<Vec<u8>> {
    if body.len() < MIN_COMPRESSIBLE {
        return None;
    }
    let coded = match coding {
        Coding::Identity => return None,
        Coding::Gzip => {
            let level = match effort {
                Effort::Best => flate2::Compression::best(),
                Effort::Fast => flate2::Compression::new(6),
            };
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
            encoder.write_all(body).ok()?;
            encoder.finish().ok()?
        }
        Coding::Brotli => {
            let quality = match effort {
                Effort::Best => 11,
                Effort::Fast => 5,
            };
            let mut coded = Vec::new();
            let mut encoder = brotli::CompressorWriter::new(&mut coded, 16 * 1024, quality, 22);
            encoder.write_all(body).ok()?;
            encoder.flush().ok()?;
            drop(encoder);
            coded
        }
    };
    (coded.len() < body.len()).then_some(coded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const ALL: [Coding; 3] = [Coding::Brotli, Coding::Gzip, Coding::Identity];

    #[test]
    fn q_values_choose_the_coding() {
        assert_eq!(negotiate(None, &ALL), Coding::Identity);
        assert_eq!(negotiate(Some(""), &ALL), Coding::Identity);
        assert_eq!(negotiate(Some("gzip, deflate, br"), &ALL), Coding::Brotli);
        assert_eq!(negotiate(Some("gzip, deflate"), &ALL), Coding::Gzip);
        assert_eq!(negotiate(Some("br;q=0.5, gzip;q=0.8"), &ALL), Coding::Gzip);
        assert_eq!(negotiate(Some("GZIP ; Q=1"), &ALL), Coding::Gzip);
        assert_eq!(negotiate(Some("x-gzip"), &ALL), Coding::Gzip);
        assert_eq!(negotiate(Some("identity"), &ALL), Coding::Identity);
        assert_eq!(negotiate(Some("*"), &ALL), Coding::Brotli);
        assert_eq!(negotiate(Some("br;q=0, *"), &ALL), Coding::Gzip);
        assert_eq!(negotiate(Some("deflate, zstd"), &ALL), Coding::Identity);
        assert_eq!(negotiate(Some("gzip;q=0, br;q=0"), &ALL), Coding::Identity);
        assert_eq!(negotiate(Some("gzip;q=bogus"), &ALL), Coding::Gzip);
    }

    #[test]
    fn identity_is_sent_when_refused_only_if_nothing_else_is_acceptable() {
        assert_eq!(negotiate(Some("identity;q=0, gzip"), &ALL), Coding::Gzip);
        assert_eq!(negotiate(Some("*;q=0, gzip"), &ALL), Coding::Gzip);
        assert_eq!(
            negotiate(Some("identity;q=0, br"), &[Coding::Identity]),
            Coding::Identity
        );
    }

    #[test]
    fn a_restated_header_chooses_the_same_and_never_refuses_identity() {
        for header in [
            "gzip, deflate, br",
            "br;q=0.5, gzip;q=0.9, identity;q=0",
            "*;q=0",
            "identity;q=0",
            "identity",
            "gzip;q=0.001",
            "x-gzip, *;q=0",
            "",
        ] {
            let restated = restated(Some(header));
            let restated = restated.to_str().unwrap();
            assert!(!restated.contains("q=0.000") && !restated.contains("identity;"));
            for available in [
                &ALL[..],
                &[Coding::Gzip, Coding::Identity],
                &[Coding::Identity],
            ] {
                assert_eq!(
                    negotiate(Some(restated), available),
                    negotiate(Some(header), available),
                    "{header} → {restated}"
                );
            }
        }
        assert_eq!(restated(None), "identity");
    }

    #[test]
    fn only_codings_on_hand_are_chosen() {
        let small = [Coding::Identity];
        assert_eq!(negotiate(Some("br, gzip"), &small), Coding::Identity);
        assert_eq!(
            negotiate(Some("br, gzip"), &[Coding::Gzip, Coding::Identity]),
            Coding::Gzip
        );
    }

    #[test]
    fn compressed_bodies_decode_to_the_original() {
        let body = "Moscow and Pyongyang, said Beijing. ".repeat(200);
        for effort in [Effort::Best, Effort::Fast] {
            let gz = compress(body.as_bytes(), Coding::Gzip, effort).unwrap();
            let mut back = String::new();
            flate2::read::GzDecoder::new(&gz[..])
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, body);
            let br = compress(body.as_bytes(), Coding::Brotli, effort).unwrap();
            let mut back = String::new();
            brotli::Decompressor::new(&br[..], 4096)
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, body);
            assert!(br.len() < body.len() / 10);
        }
    }

    #[test]
    fn small_or_incompressible_bodies_stay_as_they_are() {
        assert!(compress(b"{}", Coding::Gzip, Effort::Fast).is_none());
        use sha2::Digest;
        let noise: Vec<u8> = (0..128u32)
            .flat_map(|i| sha2::Sha256::digest(i.to_le_bytes()).to_vec())
            .collect();
        assert!(compress(&noise, Coding::Gzip, Effort::Best).is_none());
    }
}
