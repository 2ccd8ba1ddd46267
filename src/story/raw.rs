//! Raw serde mirrors of the story files.
//!
//! These types say what a file may contain, nothing more: every name is still a string and no
//! reference has been checked. Unknown fields are denied so a typo is reported, not ignored.
//! [`super::load`] turns them into the validated [`super::Story`].

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// `story.ron`: the manifest of a story folder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Story")]
pub struct RawManifest {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub about: String,
    pub start: String,
    #[serde(default)]
    pub variables: OrderedMap<RawVar>,
    #[serde(default)]
    pub endings: OrderedMap<String>,
    #[serde(default)]
    pub notebook: RawText,
}

/// A declared variable with its type and initial value. Unknown fields of `Int(...)` are
/// denied like everywhere else (a `maximum:` typo must not drop the bound). The enums are
/// renamed so that RON's messages name what the author wrote, not these types.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Variable")]
pub enum RawVar {
    Bool(bool),
    Int {
        value: i64,
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
    },
    Text(String),
}

/// One scene of a scene file (a scene file holds a list of them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scene")]
pub struct RawScene {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub text: RawText,
    #[serde(default)]
    pub on_enter: Vec<RawEffect>,
    #[serde(default)]
    pub choices: Vec<RawChoice>,
    #[serde(default)]
    pub auto: Vec<RawAuto>,
    #[serde(default)]
    pub ending: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Choice")]
pub struct RawChoice {
    pub text: String,
    #[serde(default)]
    pub goto: Option<String>,
    #[serde(default)]
    pub branches: Option<Vec<RawBranch>>,
    #[serde(default, rename = "if")]
    pub condition: Option<RawCond>,
    #[serde(default)]
    pub effects: Vec<RawEffect>,
    #[serde(default)]
    pub once: bool,
    #[serde(default)]
    pub fallback: bool,
    #[serde(default)]
    pub locked: RawLocked,
}

/// What the player sees of a choice whose condition fails.
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Locked")]
pub enum RawLocked {
    #[default]
    Hide,
    Show,
    Explain(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Auto")]
pub struct RawAuto {
    #[serde(default, rename = "if")]
    pub condition: Option<RawCond>,
    #[serde(default)]
    pub goto: Option<String>,
    #[serde(default)]
    pub branches: Option<Vec<RawBranch>>,
    #[serde(default)]
    pub effects: Vec<RawEffect>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Branch")]
pub struct RawBranch {
    /// Checked by the loader (0 to [`super::limits::MAX_WEIGHT`]), so a negative or huge
    /// weight gets a message that says the range.
    pub weight: i64,
    pub goto: String,
    #[serde(default, rename = "if")]
    pub condition: Option<RawCond>,
    #[serde(default)]
    pub effects: Vec<RawEffect>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Condition")]
pub enum RawCond {
    Flag(String),
    Not(Box<RawCond>),
    All(Vec<RawCond>),
    Any(Vec<RawCond>),
    Compare(String, String, RawValue),
    Visited(String),
    Visits(String, String, i64),
    Chance(i64),
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Effect")]
pub enum RawEffect {
    Set(String, RawValue),
    Add(String, i64),
    Toggle(String),
}

/// A literal value: `true`, `3`, `"text"`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Bool(bool),
    Int(i64),
    Text(String),
}

/// Scene text: either one string or a list of parts, each its own paragraph.
#[derive(Debug, Default)]
pub struct RawText(pub Vec<RawPart>);

#[derive(Debug, Deserialize)]
#[serde(rename = "TextPart")]
pub enum RawPart {
    Text(String),
    If(RawCond, String),
    IfElse(RawCond, String, String),
}

/// A map that keeps its entries in file order and keeps duplicate keys, so that the loader
/// can report them (a `BTreeMap` would silently keep the last one).
#[derive(Debug)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map like { \"name\": value }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, V>()? {
                    out.push(entry);
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value: true, false, a whole number or a \"string\"")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
                i64::try_from(v)
                    .map(RawValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number")))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
                i64::try_from(v)
                    .map(RawValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number")))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
                i64::try_from(v)
                    .map(RawValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number")))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
                Ok(RawValue::Text(v))
            }
        }
        d.deserialize_any(Vis)
    }
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a \"string\" or a list of parts like [Text(\"...\"), If(Flag(\"x\"), \"...\")]")
            }
            fn visit_str<E>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText(vec![RawPart::Text(v.to_owned())]))
            }
            fn visit_string<E>(self, v: String) -> Result<RawText, E> {
                Ok(RawText(vec![RawPart::Text(v)]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawText, A::Error> {
                let mut parts = Vec::new();
                while let Some(p) = seq.next_element::<RawPart>()? {
                    parts.push(p);
                }
                Ok(RawText(parts))
            }
        }
        d.deserialize_any(Vis)
    }
}
