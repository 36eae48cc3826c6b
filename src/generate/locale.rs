//! The locales the `fake` crate ships: their first and last names, in
//! their own script, and each name's ASCII form, which emails and logins
//! are made of.

use fake::locales::{
    AR_SA, CY_GB, DE_DE, Data, EN, FA_IR, FR_FR, IT_IT, JA_JP, NL_NL, PT_BR, PT_PT, TR_TR, ZH_CN,
    ZH_TW,
};

/// A locale of the `fake` crate, named as it names it (`ja_JP`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    #[default]
    En,
    FrFr,
    DeDe,
    ItIt,
    PtBr,
    PtPt,
    NlNl,
    CyGb,
    TrTr,
    JaJp,
    ZhCn,
    ZhTw,
    ArSa,
    FaIr,
}

impl Locale {
    pub const ALL: [Locale; 14] = [
        Locale::En,
        Locale::FrFr,
        Locale::DeDe,
        Locale::ItIt,
        Locale::PtBr,
        Locale::PtPt,
        Locale::NlNl,
        Locale::CyGb,
        Locale::TrTr,
        Locale::JaJp,
        Locale::ZhCn,
        Locale::ZhTw,
        Locale::ArSa,
        Locale::FaIr,
    ];

    /// As given to `--locale` and printed in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::FrFr => "fr_FR",
            Locale::DeDe => "de_DE",
            Locale::ItIt => "it_IT",
            Locale::PtBr => "pt_BR",
            Locale::PtPt => "pt_PT",
            Locale::NlNl => "nl_NL",
            Locale::CyGb => "cy_GB",
            Locale::TrTr => "tr_TR",
            Locale::JaJp => "ja_JP",
            Locale::ZhCn => "zh_CN",
            Locale::ZhTw => "zh_TW",
            Locale::ArSa => "ar_SA",
            Locale::FaIr => "fa_IR",
        }
    }

    /// `ja_JP`, in any case.
    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|locale| locale.code().eq_ignore_ascii_case(code))
    }

    /// Every list of the locale, from one dispatch over its `fake` type.
    fn lists(self) -> Lists {
        fn of<L: Data>() -> Lists {
            Lists {
                first: L::NAME_FIRST_NAME,
                last: L::NAME_LAST_NAME,
                template: L::NAME_TPL,
                extra: Extra {
                    phone_formats: L::PHONE_NUMBER_FORMATS,
                    countries: L::ADDRESS_COUNTRY,
                    country_codes: L::ADDRESS_COUNTRY_CODE,
                    company_suffixes: L::COMPANY_SUFFIX,
                    city_suffixes: L::ADDRESS_CITY_SUFFIX,
                },
            }
        }
        match self {
            Locale::En => of::<EN>(),
            Locale::FrFr => of::<FR_FR>(),
            Locale::DeDe => of::<DE_DE>(),
            Locale::ItIt => of::<IT_IT>(),
            Locale::PtBr => of::<PT_BR>(),
            Locale::PtPt => of::<PT_PT>(),
            Locale::NlNl => of::<NL_NL>(),
            Locale::CyGb => of::<CY_GB>(),
            Locale::TrTr => of::<TR_TR>(),
            Locale::JaJp => of::<JA_JP>(),
            Locale::ZhCn => of::<ZH_CN>(),
            Locale::ZhTw => of::<ZH_TW>(),
            Locale::ArSa => of::<AR_SA>(),
            Locale::FaIr => of::<FA_IR>(),
        }
    }
}

/// A locale's lists, as the `fake` crate has them.
struct Lists {
    first: &'static [&'static str],
    last: &'static [&'static str],
    /// How the locale writes a full name.
    template: &'static str,
    extra: Extra,
}

/// A locale's lists besides names, as the `fake` crate has them.
pub struct Extra {
    /// `#` a digit, `^` a digit from 1.
    pub phone_formats: &'static [&'static str],
    pub countries: &'static [&'static str],
    /// Two letters.
    pub country_codes: &'static [&'static str],
    pub company_suffixes: &'static [&'static str],
    pub city_suffixes: &'static [&'static str],
}

/// How a full name is written: "Ann Lee", or family name first, as in
/// "佐藤 あかり" and "王文辉".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameOrder {
    family_first: bool,
    separator: &'static str,
}

impl NameOrder {
    /// Given name, a space, family name.
    pub const GIVEN_FIRST: NameOrder = NameOrder {
        family_first: false,
        separator: " ",
    };

    /// From fake's name template, e.g. `{LastName} {FirstName}`; anything
    /// but the two names and what separates them is not a name order.
    fn from_template(template: &'static str) -> Option<NameOrder> {
        const FIRST: &str = "{FirstName}";
        const LAST: &str = "{LastName}";
        if let Some(rest) = template.strip_prefix(FIRST) {
            let separator = rest.strip_suffix(LAST)?;
            return (!separator.contains('{')).then_some(NameOrder {
                family_first: false,
                separator,
            });
        }
        let separator = template.strip_prefix(LAST)?.strip_suffix(FIRST)?;
        (!separator.contains('{')).then_some(NameOrder {
            family_first: true,
            separator,
        })
    }

    /// Appends the full name to `out`.
    pub fn push(self, first: &str, last: &str, out: &mut String) {
        let (a, b) = if self.family_first {
            (last, first)
        } else {
            (first, last)
        };
        out.push_str(a);
        out.push_str(self.separator);
        out.push_str(b);
    }

    /// The full name's length in characters, for names of `first` and
    /// `last` characters.
    pub fn len(self, first: usize, last: usize) -> usize {
        first + self.separator.chars().count() + last
    }
}

/// A locale's names, with the ASCII form of each, made once per run, and
/// its other lists (phone formats, countries, companies, cities).
pub struct Names {
    pub locale: Locale,
    pub extra: Extra,
    pub first: &'static [&'static str],
    pub last: &'static [&'static str],
    /// `first[i]`'s ASCII form, in lowercase letters and digits.
    pub first_ascii: Vec<String>,
    pub last_ascii: Vec<String>,
    pub order: NameOrder,
}

impl Names {
    pub fn new(locale: Locale) -> Names {
        let Lists {
            first,
            last,
            template,
            extra,
        } = locale.lists();
        let ascii = |names: &[&str]| names.iter().map(|name| ascii_name(name)).collect();
        Names {
            locale,
            extra,
            first,
            last,
            first_ascii: ascii(first),
            last_ascii: ascii(last),
            order: NameOrder::from_template(template).unwrap_or(NameOrder::GIVEN_FIRST),
        }
    }

    /// The longest first and last names, in characters.
    pub fn longest(&self) -> (usize, usize) {
        (longest(self.first), longest(self.last))
    }

    /// The longest ASCII forms of first and last names.
    pub fn longest_ascii(&self) -> (usize, usize) {
        let longest = |names: &[String]| names.iter().map(String::len).max().unwrap_or(0);
        (longest(&self.first_ascii), longest(&self.last_ascii))
    }
}

fn longest(names: &[&str]) -> usize {
    names
        .iter()
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0)
}

/// The name in lowercase ASCII letters and digits: "D'Amore" becomes
/// "damore", "Ørsted" "orsted", "あかり" "akari", "王" "wang". deunicode's
/// table goes by the character, so Japanese kanji get their Mandarin
/// reading ("佐藤" becomes "zuoteng", not "sato"): the address is still
/// made of the name, and still valid.
pub fn ascii_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() {
            push_ascii(&mut out, c);
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            ascii.chars().for_each(|c| push_ascii(&mut out, c));
        }
    }
    out
}

fn push_ascii(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c.to_ascii_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_in_any_case() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_code(locale.code()), Some(locale));
            let lower = locale.code().to_ascii_lowercase();
            assert_eq!(Locale::from_code(&lower), Some(locale));
        }
        assert_eq!(Locale::from_code("xx_XX"), None);
        assert_eq!(Locale::from_code("ja"), None);
        assert_eq!(Locale::from_code("ja-JP"), None);
    }

    #[test]
    fn every_template_is_a_name_order() {
        for locale in Locale::ALL {
            let template = locale.lists().template;
            assert!(
                NameOrder::from_template(template).is_some(),
                "{}: {template}",
                locale.code()
            );
        }
        let mut out = String::new();
        Names::new(Locale::JaJp)
            .order
            .push("あかり", "佐藤", &mut out);
        assert_eq!(out, "佐藤 あかり");
        out.clear();
        Names::new(Locale::ZhCn).order.push("文辉", "王", &mut out);
        assert_eq!(out, "王文辉");
        out.clear();
        Names::new(Locale::En).order.push("Ann", "Lee", &mut out);
        assert_eq!(out, "Ann Lee");
    }

    #[test]
    fn every_name_has_an_ascii_form() {
        for locale in Locale::ALL {
            let names = Names::new(locale);
            for (name, ascii) in names
                .first
                .iter()
                .zip(&names.first_ascii)
                .chain(names.last.iter().zip(&names.last_ascii))
            {
                assert!(
                    !ascii.is_empty()
                        && ascii
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                    "{}: {name} gives {ascii:?}",
                    locale.code()
                );
            }
        }
    }

    #[test]
    fn english_names_are_ascii_already() {
        // The ASCII form of an English name is the name with its letters
        // lowercased, as before locales: English rows stay what they were.
        let names = Names::new(Locale::En);
        for (name, ascii) in names
            .first
            .iter()
            .chain(names.last)
            .zip(names.first_ascii.iter().chain(&names.last_ascii))
        {
            assert!(name.is_ascii(), "{name}");
            let kept: String = name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            assert_eq!(&kept, ascii);
        }
    }

    #[test]
    fn transliterations() {
        for (name, ascii) in [
            ("D'Amore", "damore"),
            ("Drebenbusch-Dalgoßen", "drebenbuschdalgossen"),
            ("Abigaëlle", "abigaelle"),
            ("Yılmaz", "yilmaz"),
            ("あかり", "akari"),
            ("佐藤", "zuoteng"),
            ("王", "wang"),
            ("آل عنزي", "alnzy"),
        ] {
            assert_eq!(ascii_name(name), ascii, "{name}");
        }
    }
}
