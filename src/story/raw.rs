//! Raw serde mirrors of the story files.
//!
//! These types say what a file may contain, nothing more: every name is still a string and no
//! reference has been checked. Unknown fields are denied so a typo is reported, not ignored.
//! [`super::load`] turns them into the validated [`super::Story`].

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A string of a story file: borrowed from the file's text when it has no escapes (most do),
/// so reading a file allocates only for its lists. (`Cow<str>`'s own `Deserialize` always
/// copies.)
#[derive(Clone, Default, PartialEq)]
pub struct Str<'a>(pub Cow<'a, str>);

impl Str<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Vis<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Vis(PhantomData))
    }
}

/// `story.ron`: the manifest of a story folder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Story")]
pub struct RawManifest<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(borrow)]
    pub title: Str<'a>,
    #[serde(default, borrow)]
    pub author: Str<'a>,
    #[serde(default, borrow)]
    pub version: Str<'a>,
    #[serde(default, borrow)]
    pub about: Str<'a>,
    #[serde(borrow)]
    pub start: Str<'a>,
    #[serde(default, borrow)]
    pub variables: OrderedMap<'a, RawVar<'a>>,
    #[serde(default, borrow)]
    pub endings: OrderedMap<'a, Str<'a>>,
    #[serde(default, borrow)]
    pub notebook: RawText<'a>,
    /// Named conditions, used anywhere a condition goes as `Is("name")`.
    #[serde(default, borrow)]
    pub conditions: OrderedMap<'a, RawCond<'a>>,
    /// What the player sees of a once-only choice already taken.
    #[serde(default, borrow)]
    pub spent: RawSpent<'a>,
}

/// `spent:` in `story.ron` (or on one once-only choice, over the story's): a once-only choice
/// already taken is hidden (`Hide`, ink's rule), or kept in its place, unavailable (`Show`,
/// `Explain("asked")`: ChoiceScript's `*disable_reuse`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Spent")]
pub enum RawSpent<'a> {
    #[default]
    Hide,
    Show,
    Explain(#[serde(borrow)] Str<'a>),
}

/// A declared variable with its type and initial value. Unknown fields of `Int(...)` are
/// denied like everywhere else (a `maximum:` typo must not drop the bound). The enums are
/// renamed so that RON's messages name what the author wrote, not these types.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Variable")]
pub enum RawVar<'a> {
    Bool(bool),
    Int {
        value: i64,
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
    },
    Text(#[serde(borrow)] Str<'a>),
}

/// One scene of a scene file (a scene file holds a list of them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scene")]
pub struct RawScene<'a> {
    #[serde(borrow)]
    pub id: Str<'a>,
    #[serde(default, borrow)]
    pub title: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub text: RawText<'a>,
    #[serde(default, borrow)]
    pub on_enter: Effects<'a>,
    #[serde(default, borrow)]
    pub choices: Vec<RawChoice<'a>>,
    #[serde(default, borrow)]
    pub auto: Vec<RawAuto<'a>>,
    #[serde(default, borrow)]
    pub ending: Option<Str<'a>>,
    /// Free-form labels for tools: `tags: ["mood:tense", "chapter-1"]`.
    #[serde(default, borrow)]
    pub tags: Vec<Str<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Choice")]
pub struct RawChoice<'a> {
    /// A name for the choice, unique in its scene: `Chosen("scene.id")` counts it, and saves
    /// know it by it.
    #[serde(default, borrow)]
    pub id: Option<Str<'a>>,
    #[serde(borrow)]
    pub text: Str<'a>,
    #[serde(default, borrow)]
    pub goto: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub branches: Option<Vec<RawBranch<'a>>>,
    #[serde(default, borrow, rename = "if")]
    pub condition: Option<Box<RawCond<'a>>>,
    #[serde(default, borrow)]
    pub effects: Effects<'a>,
    #[serde(default)]
    pub once: bool,
    #[serde(default)]
    pub fallback: bool,
    #[serde(default, borrow)]
    pub locked: RawLocked<'a>,
    /// How this once-only choice looks once taken, over the story's `spent:` (which see).
    #[serde(default, borrow)]
    pub spent: Option<RawSpent<'a>>,
    /// Text shown right after the choice is taken; without `goto` or `branches`, the game
    /// then stays in the scene (its text is not shown again).
    #[serde(default, borrow)]
    pub reply: Option<Box<RawText<'a>>>,
    /// `call: "section"`: enter that scene as a section that returns (with `goto`, to there).
    #[serde(default, borrow)]
    pub call: Option<Str<'a>>,
    /// `return: true`: go back to where the latest `call` said.
    #[serde(default, rename = "return")]
    pub returns: bool,
    /// Free-form labels for tools: `tags: ["mood:tense", "chapter-1"]`.
    #[serde(default, borrow)]
    pub tags: Vec<Str<'a>>,
}

/// What the player sees of a choice whose condition fails.
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Locked")]
pub enum RawLocked<'a> {
    #[default]
    Hide,
    Show,
    Explain(#[serde(borrow)] Str<'a>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Auto")]
pub struct RawAuto<'a> {
    #[serde(default, borrow, rename = "if")]
    pub condition: Option<Box<RawCond<'a>>>,
    #[serde(default, borrow)]
    pub goto: Option<Str<'a>>,
    #[serde(default, borrow)]
    pub branches: Option<Vec<RawBranch<'a>>>,
    #[serde(default, borrow)]
    pub effects: Effects<'a>,
    /// Never valid (an auto is not chosen, so nothing replies to it): read only to say so
    /// clearly rather than as an unknown field.
    #[serde(default, borrow)]
    pub reply: Option<Box<RawText<'a>>>,
    /// `call: "section"`: enter that scene as a section that returns (with `goto`, to there).
    #[serde(default, borrow)]
    pub call: Option<Str<'a>>,
    /// `return: true`: go back to where the latest `call` said.
    #[serde(default, rename = "return")]
    pub returns: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Branch")]
pub struct RawBranch<'a> {
    /// Checked by the loader (0 to [`super::limits::MAX_WEIGHT`]), so a negative or huge
    /// weight gets a message that says the range.
    pub weight: i64,
    #[serde(borrow)]
    pub goto: Str<'a>,
    #[serde(default, borrow, rename = "if")]
    pub condition: Option<Box<RawCond<'a>>>,
    #[serde(default, borrow)]
    pub effects: Effects<'a>,
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Condition")]
pub enum RawCond<'a> {
    Flag(#[serde(borrow)] Str<'a>),
    Not(#[serde(borrow)] Box<RawCond<'a>>),
    All(#[serde(borrow)] Vec<RawCond<'a>>),
    Any(#[serde(borrow)] Vec<RawCond<'a>>),
    Compare(
        #[serde(borrow)] Str<'a>,
        #[serde(borrow)] Str<'a>,
        #[serde(borrow)] RawValue<'a>,
    ),
    Visited(#[serde(borrow)] Str<'a>),
    Visits(#[serde(borrow)] Str<'a>, #[serde(borrow)] Str<'a>, i64),
    Chance(i64),
    /// A named condition of the manifest's `conditions`.
    Is(#[serde(borrow)] Str<'a>),
    /// The choice `scene.id` was taken at least once.
    Chosen(#[serde(borrow)] Str<'a>),
    /// Compares how often the choice `scene.id` was taken.
    TimesChosen(#[serde(borrow)] Str<'a>, #[serde(borrow)] Str<'a>, i64),
}

impl RawCond<'_> {
    /// A copy that borrows nothing from the file.
    pub fn to_owned_cond(&self) -> RawCond<'static> {
        let s = |s: &Str| Str(Cow::Owned(s.as_str().to_owned()));
        let all = |cs: &[RawCond]| cs.iter().map(RawCond::to_owned_cond).collect();
        match self {
            RawCond::Flag(v) => RawCond::Flag(s(v)),
            RawCond::Not(c) => RawCond::Not(Box::new(c.to_owned_cond())),
            RawCond::All(cs) => RawCond::All(all(cs)),
            RawCond::Any(cs) => RawCond::Any(all(cs)),
            RawCond::Compare(v, op, value) => RawCond::Compare(
                s(v),
                s(op),
                match value {
                    RawValue::Bool(b) => RawValue::Bool(*b),
                    RawValue::Int(i) => RawValue::Int(*i),
                    RawValue::Text(t) => RawValue::Text(s(t)),
                    RawValue::Expr(t) => RawValue::Expr(s(t)),
                },
            ),
            RawCond::Visited(v) => RawCond::Visited(s(v)),
            RawCond::Visits(v, op, n) => RawCond::Visits(s(v), s(op), *n),
            RawCond::Chance(p) => RawCond::Chance(*p),
            RawCond::Is(n) => RawCond::Is(s(n)),
            RawCond::Chosen(n) => RawCond::Chosen(s(n)),
            RawCond::TimesChosen(n, op, k) => RawCond::TimesChosen(s(n), s(op), *k),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename = "Effect")]
pub enum RawEffect<'a> {
    Set(#[serde(borrow)] Str<'a>, #[serde(borrow)] RawValue<'a>),
    Add(#[serde(borrow)] Str<'a>, i64),
    Toggle(#[serde(borrow)] Str<'a>),
}

/// The effects of a choice, branch, auto or scene entry: most have none or one, kept inline.
pub type Effects<'a> = SmallVec<[RawEffect<'a>; 1]>;

/// A literal value: `true`, `3`, `"text"`; or an expression, `Expr("oil - 1")`, as the
/// value of a `Set` or the right side of a `Compare`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue<'a> {
    Bool(bool),
    Int(i64),
    Text(Str<'a>),
    /// The text of `Expr("..")` (RON reads any `Name("..")` so: the loader checks the name).
    Expr(Str<'a>),
}

/// Scene text: either one string or a list of parts, each its own paragraph.
#[derive(Debug, Default)]
pub struct RawText<'a>(pub SmallVec<[RawPart<'a>; 1]>);

#[derive(Debug, Deserialize)]
#[serde(rename = "TextPart")]
pub enum RawPart<'a> {
    Text(#[serde(borrow)] Str<'a>),
    If(#[serde(borrow)] RawCond<'a>, #[serde(borrow)] Str<'a>),
    IfElse(
        #[serde(borrow)] RawCond<'a>,
        #[serde(borrow)] Str<'a>,
        #[serde(borrow)] Str<'a>,
    ),
}

impl RawPart<'_> {
    /// Whether this part is plain text, shown always.
    pub fn is_plain(&self) -> bool {
        match self {
            RawPart::Text(_) => true,
            RawPart::If(..) | RawPart::IfElse(..) => false,
        }
    }
}

/// A map that keeps its entries in file order and keeps duplicate keys, so that the loader
/// can report them (a `BTreeMap` would silently keep the last one).
#[derive(Debug)]
pub struct OrderedMap<'a, V>(pub Vec<(Str<'a>, V)>);

impl<V> Default for OrderedMap<'_, V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<'a, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<'a, V>(PhantomData<(&'a (), V)>);
        impl<'de: 'a, 'a, V: Deserialize<'de>> Visitor<'de> for V2<'a, V> {
            type Value = OrderedMap<'a, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map like { \"name\": value }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((key, value)) = map.next_entry::<Str<'a>, V>()? {
                    out.push((key, value));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Vis<'a> {
            type Value = RawValue<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value: true, false, a whole number or a \"string\"")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawValue<'a>, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawValue<'a>, E> {
                Ok(RawValue::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue<'a>, E> {
                i64::try_from(v)
                    .map(RawValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number")))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue<'a>, E> {
                i64::try_from(v)
                    .map(RawValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number")))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue<'a>, E> {
                i64::try_from(v)
                    .map(RawValue::Int)
                    .map_err(|_| E::custom(format!("{v} is too large for a number")))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<RawValue<'a>, E> {
                Ok(RawValue::Text(Str(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawValue<'a>, E> {
                Ok(RawValue::Text(Str(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<RawValue<'a>, E> {
                Ok(RawValue::Text(Str(Cow::Owned(v))))
            }
            /// `Expr("..")`: RON hands the parenthesized part over as a list of one string.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue<'a>, A::Error> {
                let text = seq
                    .next_element::<Str<'a>>()?
                    .ok_or_else(|| de::Error::custom("write an expression as Expr(\"a + 1\")"))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom("write an expression as Expr(\"a + 1\")"));
                }
                Ok(RawValue::Expr(text))
            }
        }
        d.deserialize_any(Vis(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawText<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Vis<'a> {
            type Value = RawText<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a \"string\" or a list of parts like [Text(\"...\"), If(Flag(\"x\"), \"...\")]")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<RawText<'a>, E> {
                Ok(RawText(smallvec::smallvec![RawPart::Text(Str(Cow::Borrowed(v)))]))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawText<'a>, E> {
                Ok(RawText(smallvec::smallvec![RawPart::Text(Str(Cow::Owned(
                    v.to_owned()
                )))]))
            }
            fn visit_string<E>(self, v: String) -> Result<RawText<'a>, E> {
                Ok(RawText(smallvec::smallvec![RawPart::Text(Str(Cow::Owned(v)))]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawText<'a>, A::Error> {
                let mut parts = SmallVec::new();
                while let Some(p) = seq.next_element::<RawPart<'a>>()? {
                    parts.push(p);
                }
                Ok(RawText(parts))
            }
        }
        d.deserialize_any(Vis(PhantomData))
    }
}
