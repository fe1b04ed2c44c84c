//! A calendar date without time or zone, as code-set files and claims use them.
//!
//! Stored as days since 1970-01-01 so comparisons and index range filters are integer
//! operations. Parsing accepts `YYYY-MM-DD` and the CMS form `YYYYMMDD`.

use std::fmt;

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid date (expected YYYY-MM-DD or YYYYMMDD): {0:?}")]
pub struct DateParseError(pub String);

impl DateParseError {
    /// The error for `text`, keeping at most 40 characters of it (the text is echoed to callers).
    fn of(text: &str) -> DateParseError {
        DateParseError(text.chars().take(40).collect())
    }
}

impl Date {
    /// Builds a date from year, month (1-12) and day (1-31); `None` when it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(1..=9999).contains(&year) {
            return None;
        }
        Some(Date { days: days_from_civil(year, month, day) })
    }

    /// Parses `YYYY-MM-DD` or `YYYYMMDD`.
    pub fn parse(text: &str) -> Result<Date, DateParseError> {
        let trimmed = text.trim();
        if trimmed.len() > 10 {
            return Err(DateParseError::of(text));
        }
        let digits: String = match trimmed.len() {
            8 => trimmed.to_string(),
            10 if trimmed.as_bytes()[4] == b'-' && trimmed.as_bytes()[7] == b'-' => trimmed.replace('-', ""),
            _ => return Err(DateParseError::of(text)),
        };
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateParseError::of(text));
        }
        let year: i32 = digits[0..4].parse().map_err(|_| DateParseError::of(text))?;
        let month: u32 = digits[4..6].parse().map_err(|_| DateParseError::of(text))?;
        let day: u32 = digits[6..8].parse().map_err(|_| DateParseError::of(text))?;
        Date::from_ymd(year, month, day).ok_or_else(|| DateParseError::of(text))
    }

    /// Today's date in UTC.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Date { days: (secs / 86_400) as i32 }
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        self.days
    }

    /// The date `days` days since 1970-01-01.
    pub fn from_days_since_epoch(days: i32) -> Date {
        Date { days }
    }

    /// The day before this one.
    pub fn pred(self) -> Date {
        Date { days: self.days - 1 }
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_and_round_trips() {
        let date = Date::parse("2025-10-01").unwrap();
        assert_eq!(date, Date::parse("20251001").unwrap());
        assert_eq!(date.to_string(), "2025-10-01");
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in ["2025-02-29", "2025-13-01", "2025-00-10", "20251", "", "2025/10/01", "abcd-ef-gh"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }
}
