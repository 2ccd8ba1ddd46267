//! Presentation in texts: `*em*`, `**strong**`, `{br}`, `{pause}`, `{*}`; `tags`; and how a
//! taken once-only choice is shown (`spent`).
//!
//! Emphasis follows CommonMark's flanking rule, simplified: a run of one or two `*` opens when
//! a non-space follows it, closes when a non-space precedes it and the innermost open emphasis
//! has the same run. It never crosses a `{..}` (a `*` inside braces stays as it is) nor a
//! paragraph: an opener left unclosed at the end of its paragraph is shown as written, with a
//! warning, so a format-1 story with a stray `*` still loads and shows the same words.

use super::*;

/// The longest tag, in bytes.
pub(super) const TAG_MAX: usize = 64;
/// The most tags one scene or choice may have.
pub(super) const TAGS_MAX: usize = 64;
/// How many unclosed `*` of one paragraph get a warning each.
const UNCLOSED_SHOWN: usize = 3;

impl Builder<'_, '_, '_> {
    /// `spent:` (the story's, or one choice's): the marking must fit on the choice's line, as
    /// written (no `{...}`: the story's is the same for every choice, so nothing in it could
    /// vary, and one choice's follows the same rule).
    pub(super) fn spent(&mut self, raw: &RawSpent, file: usize, at: &Path) -> Spent {
        match raw {
            RawSpent::Hide => Spent::Hide,
            RawSpent::Show => Spent::Show,
            RawSpent::Explain(words) => {
                let words = fold_whitespace(words);
                let problem = if words.is_empty() {
                    Some(
                        "`spent: Explain(..)` needs the words to mark a taken choice with, such as \"asked\"",
                    )
                } else if words.contains(['{', '}']) {
                    Some("`spent: Explain(..)` is shown as written: it cannot hold `{...}`")
                } else if words.chars().count() > 40 {
                    Some(
                        "`spent: Explain(..)` is shown beside the choice, on its line: keep it to 40 characters or fewer",
                    )
                } else {
                    None
                };
                match problem {
                    Some(why) => {
                        self.cx.error(file, at, why.into());
                        Spent::Hide
                    }
                    None => Spent::Explain(words),
                }
            }
        }
    }

    /// A choice's own `spent:` (at `p`, the choice's path), which only a once-only choice can
    /// have; `None` when it has none or it is wrong (reported).
    pub(super) fn choice_spent(&mut self, c: &RawChoice, file: usize, p: &Path) -> Option<Spent> {
        let raw = c.spent.as_ref()?;
        let at = with(p, Seg::Field("spent"));
        if !c.once {
            self.cx.error(
                file,
                &at,
                "`spent:` says how a once-only choice looks once taken: this choice is not `once: true`"
                    .into(),
            );
            return None;
        }
        Some(self.spent(raw, file, &at))
    }

    /// What a one-word `{name}` is when it is presentation: `Ok` a mark, `Err` a literal
    /// character. `None`: a variable reference. A declared variable named `br` or `pause` keeps
    /// its meaning (format-1 stories could name one so).
    pub(super) fn presentation(&self, name: &str) -> Option<Result<Mark, char>> {
        match name {
            "*" => Some(Err('*')),
            "br" | "pause" if self.var_names.contains_key(name) => None,
            "br" => Some(Ok(Mark::Break)),
            "pause" => Some(Ok(Mark::Pause)),
            _ => None,
        }
    }

    /// A run of `run` asterisks at byte `at` of `folded`: opens, closes, or is literal.
    pub(super) fn asterisks(
        &mut self,
        folded: &str,
        at: usize,
        run: usize,
        opens: &mut Vec<(usize, usize, usize)>,
        lit: &mut String,
        pieces: &mut SmallVec<[Piece; 1]>,
    ) {
        let end = at + run;
        let stars = &folded[at..end];
        let prev = folded[..at].chars().next_back();
        let next = folded[end..].chars().next();
        let can_open = next.is_some_and(|c| !c.is_whitespace());
        let can_close = prev.is_some_and(|c| !c.is_whitespace());
        let (open, close) = match run {
            1 => (Mark::Em, Mark::EmEnd),
            2 => (Mark::Strong, Mark::StrongEnd),
            // `***` and longer: shown as written.
            _ => {
                lit.push_str(stars);
                return;
            }
        };
        let mark = if can_close && opens.last().is_some_and(|&(_, r, _)| r == run) {
            opens.pop();
            close
        } else if can_open {
            opens.push((pieces.len() + usize::from(!lit.is_empty()), run, at));
            open
        } else {
            lit.push_str(stars);
            return;
        };
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(lit)));
        }
        pieces.push(Piece::Mark(mark));
    }

    /// Openers never closed in their paragraph: shown as written, with a warning at each of
    /// the first [`UNCLOSED_SHOWN`].
    pub(super) fn unclosed(
        &mut self,
        folded: &str,
        opens: &[(usize, usize, usize)],
        pieces: &mut SmallVec<[Piece; 1]>,
        file: usize,
        p: &Path<'_, '_>,
    ) {
        for &(piece, run, _) in opens {
            pieces[piece] = Piece::Lit("*".repeat(run));
        }
        // A warning at each of the first few (a hostile text cannot make thousands).
        for (k, &(_, run, at)) in opens.iter().enumerate().take(UNCLOSED_SHOWN) {
            // The asterisks and the word after them: what the position is narrowed to.
            let rest = &folded[at..];
            let word = rest[run..].find(' ').map_or(rest, |i| &rest[..run + i]);
            self.cx.narrow = Some(word.to_owned());
            let stars = &rest[..run];
            self.cx.at(
                Severity::Warning,
                file,
                p,
                match opens.len() - k - 1 {
                    more if k + 1 == UNCLOSED_SHOWN && more > 0 => format!(
                        "`{stars}` opens emphasis that is not closed in its paragraph: it is shown as written (and {more} more after it)"
                    ),
                    _ => format!(
                        "`{stars}` opens emphasis that is not closed in its paragraph: it is shown as written"
                    ),
                },
                Some("unclosed emphasis".into()),
                Some(format!(
                    "close it with `{stars}` after the emphasized words, or write `{{*}}` for an asterisk"
                )),
            );
            self.cx.narrow = None;
        }
        // Neighbouring literals joined again, as a line without emphasis would have them.
        let mut joined: SmallVec<[Piece; 1]> = SmallVec::with_capacity(pieces.len());
        for piece in pieces.drain(..) {
            match (joined.last_mut(), piece) {
                (Some(Piece::Lit(a)), Piece::Lit(b)) => a.push_str(&b),
                (_, piece) => joined.push(piece),
            }
        }
        *pieces = joined;
    }

    /// `{pause}` is not for `what` (a choice's text, the notebook), nor `{br}` for a choice's
    /// text, which is one line (`line`: a choice's text): an error at each.
    pub(super) fn forbid_breaks(&mut self, line: &Line, place: Unpaused, file: usize, p: &Path<'_, '_>) {
        let what = match place {
            Unpaused::ChoiceText => "a choice's text",
            Unpaused::LockReason => "a locked choice's reason",
            Unpaused::Notebook => "the notebook",
        };
        for piece in &line.0 {
            let name = match piece {
                Piece::Mark(Mark::Break) if place != Unpaused::Notebook => "br",
                Piece::Mark(Mark::Pause) => "pause",
                Piece::Mark(Mark::Break | Mark::Em | Mark::EmEnd | Mark::Strong | Mark::StrongEnd)
                | Piece::Lit(_)
                | Piece::Var(_)
                | Piece::If(..)
                | Piece::Alt { .. } => continue,
            };
            self.cx.narrow = Some(format!("{{{name}}}"));
            self.cx.at(
                Severity::Error,
                file,
                p,
                format!("`{{{name}}}` cannot be in {what}"),
                Some(format!("`{{{name}}}` here")),
                Some(match name {
                    "br" => "a choice is one line: `{br}` belongs in a scene's text, a reply or the notebook"
                        .into(),
                    _ => "`{pause}` belongs in a scene's text or a reply, between sentences".into(),
                }),
            );
            self.cx.narrow = None;
        }
    }

    /// [`Self::forbid_breaks`] on every paragraph of a text.
    pub(super) fn forbid_breaks_text(&mut self, text: &Text, place: Unpaused, file: usize, p: &Path<'_, '_>) {
        for para in &text.0 {
            match para {
                Para::Always(l) | Para::If(_, l, None) => self.forbid_breaks(l, place, file, p),
                Para::If(_, a, Some(b)) => {
                    self.forbid_breaks(a, place, file, p);
                    self.forbid_breaks(b, place, file, p);
                }
            }
        }
    }

    /// The `tags` of a scene or a choice, checked: each lower-case letters, digits, `_`, `-`
    /// and `:`, 1 to [`TAG_MAX`] bytes ("unknown tag syntax" otherwise, an error); one repeated
    /// is a warning. Kept in order, repeats dropped.
    pub(super) fn tags(&mut self, raw: &[Str], file: usize, p: &Path<'_, '_>) -> Vec<Tag> {
        let mut out: Vec<Tag> = Vec::with_capacity(raw.len().min(TAGS_MAX));
        if raw.len() > TAGS_MAX {
            self.cx.at(
                Severity::Error,
                file,
                &with2(p, Seg::Field("tags"), Seg::Index(TAGS_MAX)),
                format!("{} tags here; the limit is {TAGS_MAX}", raw.len()),
                Some("too many tags".into()),
                Some("tags are labels for tools: a few say more than many".into()),
            );
        }
        for (k, tag) in raw.iter().enumerate().take(TAGS_MAX) {
            let tag = tag.as_str();
            let tp = with2(p, Seg::Field("tags"), Seg::Index(k));
            if !is_tag(tag) {
                self.cx.at(
                    Severity::Error,
                    file,
                    &tp,
                    match tag.is_empty() {
                        true => "a tag cannot be empty".into(),
                        false => format!("`{}` is not a tag", crate::story::diag::visible(tag)),
                    },
                    Some("unknown tag syntax".into()),
                    Some(format!(
                        "a tag is 1 to {TAG_MAX} lower-case letters, digits, `_`, `-` and `:`, like \"mood:tense\""
                    )),
                );
            } else if out.iter().any(|t| t.name == tag) {
                self.cx.at(
                    Severity::Warning,
                    file,
                    &tp,
                    format!("the tag `{tag}` is given twice here"),
                    Some("repeated tag".into()),
                    Some("remove one".into()),
                );
            } else {
                out.push(Tag {
                    name: tag.to_owned(),
                    at: self.cx.position(file, &tp),
                });
            }
        }
        out
    }
}

/// A text where the game cannot wait: no `{pause}` there (and, in a choice's text, which is
/// one line, no `{br}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unpaused {
    ChoiceText,
    /// A locked choice's reason, shown on the choice's line.
    LockReason,
    Notebook,
}

/// Whether `s` is a tag: 1 to [`TAG_MAX`] of `a-z`, `0-9`, `_`, `-`, `:`.
pub(super) fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= TAG_MAX
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b':'))
}
