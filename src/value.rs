//! The values of a row, between the generator and the database.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

/// One value to write or read back.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
    /// Naive UTC.
    Time(NaiveDateTime),
    /// A calendar day.
    Date(NaiveDate),
    /// An exact number with a fixed count of decimals.
    Decimal(Decimal),
}

/// `units` / 10^`scale`: `Decimal { units: 1234, scale: 2 }` is 12.34.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub units: i64,
    pub scale: u8,
}

/// The most decimals a `Decimal` keeps: 10^18 is the largest power of ten
/// in an i64.
pub const MAX_SCALE: u8 = 18;

impl fmt::Display for Decimal {
    /// `-12.34`, `0.05`, `7`: every decimal of the scale, no exponent.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let units = self.units.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{units}");
        }
        let power = 10u64.pow(u32::from(self.scale));
        write!(
            f,
            "{sign}{}.{:0width$}",
            units / power,
            units % power,
            width = usize::from(self.scale)
        )
    }
}

impl Decimal {
    /// The number as a float, for a floating-point column.
    #[cfg(feature = "postgres")]
    pub fn to_f64(self) -> f64 {
        self.units as f64 / 10f64.powi(i32::from(self.scale))
    }

    /// Reads `12.34`, `-7`, `0.5`, with at most `scale` decimals, at that
    /// scale. None for anything else, or a number past an i64 of units.
    pub fn parse(text: &str, scale: u8) -> Option<Decimal> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
            || fraction.len() > usize::from(scale)
        {
            return None;
        }
        let mut units: i128 = 0;
        let padded = fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(usize::from(scale));
        for b in whole.bytes().chain(padded) {
            units = units.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let units = i64::try_from(if negative { -units } else { units }).ok()?;
        Some(Decimal { units, scale })
    }
}

impl Value {
    /// Equal as stored: a boolean read back from SQLite or MySQL is 0 or 1.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Bool(b), Value::Int(i)) | (Value::Int(i), Value::Bool(b)) => {
                i64::from(*b) == *i
            }
            _ => self == other,
        }
    }

    #[cfg(test)]
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Overwrites a text value in place, keeping its buffer.
    pub fn set_text(&mut self, text: &str) {
        if let Value::Text(buffer) = self {
            buffer.clear();
            buffer.push_str(text);
        } else {
            *self = Value::Text(text.to_owned());
        }
    }
}

/// One users row: a value per column of the app's insert, in order.
pub type Row = Vec<Value>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decimal_is_written_with_every_decimal_of_its_scale_and_read_back() {
        for (units, scale, text) in [
            (1234, 2, "12.34"),
            (-5, 2, "-0.05"),
            (7, 0, "7"),
            (i64::MIN, 18, "-9.223372036854775808"),
        ] {
            let decimal = Decimal { units, scale };
            assert_eq!(decimal.to_string(), text);
            assert_eq!(Decimal::parse(text, scale), Some(decimal));
        }
        assert_eq!(
            Decimal::parse("1.5", 2),
            Some(Decimal {
                units: 150,
                scale: 2
            })
        );
        for bad in [
            "",
            ".",
            "1.234",
            "1e3",
            "--1",
            "1.2.3",
            "99999999999999999999",
        ] {
            assert_eq!(Decimal::parse(bad, 2), None, "{bad}");
        }
    }
}
