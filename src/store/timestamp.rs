//! Stored instants: fixed-width RFC 3339 text in UTC on SQLite (`2026-12-03T10:00:00.000000Z`:
//! SQLite has no date type, and text of one width sorts in time order), `timestamptz` on
//! PostgreSQL. Both keep microseconds, PostgreSQL's precision, so a note reads back — and
//! lists sort — the same from either.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{StoreError, StoreResult};

/// An instant as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Now, to the second (what the API shows for notes written here).
    pub fn now() -> Timestamp {
        let now = OffsetDateTime::now_utc();
        Timestamp(now.replace_nanosecond(0).unwrap_or(now))
    }

    /// An RFC 3339 date-time in any offset, kept as the same instant in UTC.
    pub fn parse(text: &str) -> StoreResult<Timestamp> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(Timestamp::from)
            .map_err(|e| StoreError::Malformed(format!("timestamp {text:?}: {e}")))
    }

    /// RFC 3339 in UTC: `2026-12-03T10:00:00Z`, with fractional seconds only when there are any.
    pub fn rfc3339(self) -> String {
        self.0.format(&Rfc3339).unwrap_or_default()
    }

    /// RFC 3339 in UTC with all six fractional digits, as SQLite stores it.
    fn fixed_width(self) -> String {
        self.0
            .format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
            ))
            .unwrap_or_default()
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(at: OffsetDateTime) -> Timestamp {
        let utc = at.to_offset(time::UtcOffset::UTC);
        let micros = utc.nanosecond() / 1000 * 1000;
        Timestamp(utc.replace_nanosecond(micros).unwrap_or(utc))
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> <Sqlite as Database>::TypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Sqlite as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.fixed_width(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: <Sqlite as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Timestamp::parse(text)?)
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> <Postgres as Database>::TypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for Timestamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Postgres as Database>::ArgumentBuffer,
    ) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: <Postgres as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Timestamp::from(
            <OffsetDateTime as Decode<Postgres>>::decode(value)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_kept_in_utc_to_the_microsecond() {
        for (given, kept) in [
            ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
            ("2026-01-01T02:30:00+02:30", "2026-01-01T00:00:00Z"),
            (
                "2026-01-01T00:00:00.123456789Z",
                "2026-01-01T00:00:00.123456Z",
            ),
            ("2026-01-01T00:00:00.5-00:00", "2026-01-01T00:00:00.5Z"),
        ] {
            assert_eq!(Timestamp::parse(given).unwrap().rfc3339(), kept, "{given}");
        }
        assert!(Timestamp::parse("yesterday").is_err());
        let stored = |t: &str| Timestamp::parse(t).unwrap().fixed_width();
        assert_eq!(
            stored("2026-01-01T00:00:00Z"),
            "2026-01-01T00:00:00.000000Z"
        );
        assert!(stored("2026-01-01T00:00:00Z") < stored("2026-01-01T00:00:00.5Z"));
        assert_eq!(
            Timestamp::parse(&stored("2026-01-01T00:00:00.25Z"))
                .unwrap()
                .rfc3339(),
            "2026-01-01T00:00:00.25Z"
        );
        assert_eq!(Timestamp::now().0.nanosecond(), 0);
    }
}
