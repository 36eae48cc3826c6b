//! Which characters a server's character set stores. A name it cannot
//! hold would stop the run at its row (MySQL in strict mode, PostgreSQL)
//! or be stored as `?`, so the checks before any write refuse it.
//!
//! A character set is read through an encoding of the WHATWG Encoding
//! Standard (encoding_rs): a character is stored when it encodes, and
//! decodes back to itself. Where that encoding is a superset of the
//! server's (it decodes what browsers meet: windows-1254 for ISO-8859-9,
//! Windows-31J for Shift_JIS, UHC for EUC-KR), the bytes are narrowed to
//! the server's own range; where the two tables disagree on a character,
//! it is named as one the server lacks.

use std::collections::HashSet;
use std::sync::OnceLock;

use encoding_rs::Encoding;

/// The character set a column stores its text in, as its server names it.
#[derive(Clone, Debug)]
pub struct Charset {
    /// `latin1`, `LATIN1`.
    pub name: String,
    holds: Repertoire,
    /// What the name is of, for messages: "the database's encoding".
    pub of: Option<&'static str>,
    /// What stores every name, for messages: "a utf8mb4 column".
    pub instead: &'static str,
}

impl Charset {
    pub fn new(
        name: &str,
        holds: Repertoire,
        of: Option<&'static str>,
        instead: &'static str,
    ) -> Charset {
        Charset {
            name: name.to_owned(),
            holds,
            of,
            instead,
        }
    }

    /// Whether every character of `text` is stored as itself.
    pub fn holds(&self, text: &str) -> bool {
        text.chars().all(|c| self.holds.char(c))
    }

    /// Whether seed knows what the character set holds: one it does not
    /// is taken to hold ASCII only.
    pub fn is_known(&self) -> bool {
        !matches!(self.holds, Repertoire::Unknown)
    }
}

/// The characters a character set holds.
#[derive(Clone, Copy, Debug)]
pub enum Repertoire {
    /// A form of Unicode, or bytes stored as given (MySQL's `binary`,
    /// PostgreSQL's `SQL_ASCII`).
    All,
    /// Unicode up to U+FFFF: MySQL's `utf8mb3` and `ucs2`.
    Bmp,
    Ascii,
    /// ISO-8859-1, whose bytes are the first 256 code points (the WHATWG
    /// standard reads the name as windows-1252).
    Latin1,
    /// What a table of the WHATWG standard says, with the server's
    /// differences.
    Encoded(Table),
    /// A character set there is no table for here: only ASCII is taken
    /// for stored.
    Unknown,
}

impl Repertoire {
    fn char(self, c: char) -> bool {
        if c.is_ascii() {
            return true;
        }
        match self {
            Repertoire::All => true,
            Repertoire::Bmp => u32::from(c) <= 0xFFFF,
            Repertoire::Ascii | Repertoire::Unknown => false,
            Repertoire::Latin1 => u32::from(c) <= 0xFF,
            Repertoire::Encoded(table) => table.holds(c),
        }
    }
}

/// A server's character set, as an encoding of the WHATWG standard and
/// where the server's own table differs from it.
#[derive(Clone, Copy, Debug)]
pub struct Table {
    encoding: &'static Encoding,
    narrow: Option<Narrow>,
    /// JIS X 0212 too, which EUC-JP writes after 0x8F: the WHATWG decoder
    /// reads it, its encoder never writes it.
    jis0212: bool,
    /// Characters the WHATWG table has and the server's maps elsewhere or
    /// lacks, found by converting every character up to U+FFFF on the
    /// server (MariaDB 10.11, PostgreSQL 15).
    lacks: &'static str,
}

impl Table {
    pub const fn new(encoding: &'static Encoding) -> Table {
        Table {
            encoding,
            narrow: None,
            jis0212: false,
            lacks: "",
        }
    }

    pub const fn narrow(self, narrow: Narrow) -> Table {
        Table {
            narrow: Some(narrow),
            ..self
        }
    }

    pub const fn with_jis0212(self) -> Table {
        Table {
            jis0212: true,
            ..self
        }
    }

    pub const fn lacking(self, lacks: &'static str) -> Table {
        Table { lacks, ..self }
    }

    /// GB2312 (MySQL's gb2312, PostgreSQL's EUC_CN) through GBK, which
    /// fills cells GB2312 leaves empty and reads two of its own otherwise.
    pub const fn gb2312() -> Table {
        Table::new(encoding_rs::GBK)
            .narrow(Narrow::Euc)
            .lacking("·ńňǹɑɡḿ—ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹ︐︑︒︓︔︕︖︗︘︙︱︳︴︵︶︷︸︹︺︻︼︽︾︿﹀﹁﹂﹃﹄")
    }

    fn holds(&self, c: char) -> bool {
        // Each vendor fills the Private Use Area its own way.
        if ('\u{E000}'..='\u{F8FF}').contains(&c) || self.lacks.contains(c) {
            return false;
        }
        let mut buffer = [0; 4];
        let text: &str = c.encode_utf8(&mut buffer);
        let (bytes, _, unmappable) = self.encoding.encode(text);
        if unmappable {
            return self.jis0212 && jis0212().contains(&c);
        }
        // A best fit (Shift_JIS writes U+00A5 as the byte of `\`) reads
        // back as another character.
        let (back, malformed) = self.encoding.decode_without_bom_handling(&bytes);
        !malformed && back == text && self.narrow.is_none_or(|narrow| narrow.allows(c, &bytes))
    }
}

/// The characters of JIS X 0212, read from every pair of its rows and
/// cells through the WHATWG EUC-JP decoder.
fn jis0212() -> &'static HashSet<char> {
    static SET: OnceLock<HashSet<char>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut set = HashSet::new();
        for row in 0xA1..=0xFE {
            for cell in 0xA1..=0xFE {
                let bytes = [0x8F, row, cell];
                let (text, malformed) = encoding_rs::EUC_JP.decode_without_bom_handling(&bytes);
                if !malformed {
                    set.extend(text.chars());
                }
            }
        }
        set
    })
}

/// Where the server's character set is narrower than the WHATWG encoding
/// it is read through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Narrow {
    /// An ISO-8859 set read as its Windows superset, which puts
    /// punctuation and letters at 0x80..=0x9F: those bytes are C1
    /// controls in ISO-8859.
    NoC1,
    /// EUC-KR read as UHC, GB2312 (EUC-CN) read as GBK: the extensions
    /// are the pairs with a byte below 0xA1.
    Euc,
    /// JIS X 0208 in Shift_JIS, read as Windows-31J: without NEC's row 13
    /// (lead byte 0x87), the IBM rows and the user-defined area (0xEB
    /// and up).
    Sjis,
    /// JIS X 0208 in EUC-JP, read as the WHATWG EUC-JP, whose table adds
    /// NEC's row 13 (lead byte 0xAD) and the IBM rows (0xF9 and up).
    EucJp,
    /// Big5's symbols and its two levels of hanzi, without the HKSCS and
    /// ETEN extensions the WHATWG table adds around them.
    Big5,
}

impl Narrow {
    /// Whether the server's character set has `bytes`, the encoding of `c`.
    fn allows(self, c: char, bytes: &[u8]) -> bool {
        match (self, bytes) {
            (Narrow::NoC1, [b]) => !(0x80..=0x9F).contains(b) || u32::from(*b) == u32::from(c),
            (Narrow::Euc, [lead, trail]) => {
                (0xA1..=0xFE).contains(lead) && (0xA1..=0xFE).contains(trail)
            }
            // Half-width katakana are one byte in Shift_JIS, two in EUC-JP.
            (Narrow::Sjis, [b]) => (0xA1..=0xDF).contains(b),
            (Narrow::Sjis, [lead, _]) => matches!(lead, 0x81..=0x86 | 0x88..=0x9F | 0xE0..=0xEA),
            (Narrow::EucJp, [0x8E, _]) => true,
            (Narrow::EucJp, [lead, _]) => matches!(lead, 0xA1..=0xAC | 0xAE..=0xF4),
            (Narrow::Big5, [lead, trail]) => {
                let code = u16::from_be_bytes([*lead, *trail]);
                matches!(code, 0xA140..=0xA3BF | 0xA440..=0xC67E | 0xC940..=0xF9D5)
            }
            _ => false,
        }
    }
}
