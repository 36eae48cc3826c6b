//! The values of a row, between the generator and the database.

use chrono::NaiveDateTime;

/// One value to write or read back.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
    /// Naive UTC.
    Time(NaiveDateTime),
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
