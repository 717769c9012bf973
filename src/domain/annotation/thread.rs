//! Threads: replies to notes, how widely a reply may be read, and the order a thread reads in.

use std::collections::HashMap;

use super::history::AnchorState;
use super::model::{FieldError, Note, Visibility, invalid};

/// A note that shown replies answer but the reader cannot see: deleted (its tombstone may
/// still say where it was and what it answered), or not shared with them (nothing is said).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ghost {
    /// The missing note's id.
    pub id: String,
    /// Deleted, rather than not shared with the reader.
    pub deleted: bool,
    /// The note it answered, when the reader may know.
    pub reply_to: Option<String>,
    /// Where its passage was, when the reader may know.
    pub anchor: Option<AnchorState>,
}

/// The notes that `notes` answer but that are not among them, each once.
pub fn missing_parents(notes: &[Note]) -> Vec<String> {
    let shown: std::collections::HashSet<&str> = notes.iter().map(|n| n.id.as_str()).collect();
    let mut missing: Vec<String> = Vec::new();
    for parent in notes.iter().filter_map(|n| n.reply_to.as_deref()) {
        if !shown.contains(parent) && !missing.iter().any(|m| m == parent) {
            missing.push(parent.to_owned());
        }
    }
    missing
}

/// Who may read a reply: what its author stated, never more than the note it answers; when
/// unstated, the same readers as that note.
pub fn reply_visibility(
    stated: Option<Visibility>,
    parent: Visibility,
) -> Result<Visibility, FieldError> {
    match stated {
        None => Ok(parent),
        Some(wanted) if wanted.reach() <= parent.reach() => Ok(wanted),
        Some(wanted) => Err(invalid(
            "visibility",
            format!(
                "is {}, but the note it answers is {}: a reply is never read more widely than its thread; {}",
                wanted.as_str(),
                parent.as_str(),
                if parent == Visibility::Private {
                    "make it private".to_owned()
                } else {
                    format!("choose {} or narrower", parent.as_str())
                }
            ),
        )),
    }
}

/// One thread: a note that answers none shown with it, then its replies in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    /// Index of the thread's first note.
    pub root: usize,
    /// Indexes of its replies, depth-first and oldest first, each with its depth (1: answers
    /// the root).
    pub replies: Vec<(usize, usize)>,
}

/// Gathers notes into threads. `parents[i]` is the note that note `i` answers, if any;
/// `written[i]` (when it was written, and its place among its siblings) orders siblings. A note whose parent is not among them starts a thread of its
/// own, as does any note caught in a cycle (which only a hand-made import could write), so
/// every note is in exactly one thread. Roots keep their given order.
pub fn threads(parents: &[Option<&str>], ids: &[&str], written: &[(&str, i64)]) -> Vec<Thread> {
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    let mut roots = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent.and_then(|p| index.get(p)) {
            Some(&p) if p != i => children[p].push(i),
            _ => roots.push(i),
        }
    }
    for list in &mut children {
        list.sort_by(|&a, &b| written[a].cmp(&written[b]).then(ids[a].cmp(ids[b])));
    }
    let mut seen = vec![false; ids.len()];
    let mut out = Vec::new();
    let walk = |root: usize, seen: &mut Vec<bool>| {
        seen[root] = true;
        let mut replies = Vec::new();
        let mut stack: Vec<(usize, usize)> = children[root].iter().rev().map(|&c| (c, 1)).collect();
        while let Some((node, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[node], true) {
                continue;
            }
            replies.push((node, depth));
            stack.extend(children[node].iter().rev().map(|&c| (c, depth + 1)));
        }
        Thread { root, replies }
    };
    for root in roots {
        out.push(walk(root, &mut seen));
    }
    while let Some(left) = seen.iter().position(|s| !s) {
        out.push(walk(left, &mut seen));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_is_never_read_more_widely_than_its_parent() {
        use Visibility::{Private, Public, Team};
        assert_eq!(reply_visibility(None, Team), Ok(Team));
        assert_eq!(reply_visibility(Some(Private), Public), Ok(Private));
        assert_eq!(reply_visibility(Some(Team), Team), Ok(Team));
        let wider = reply_visibility(Some(Public), Team).unwrap_err();
        assert_eq!(wider.field, "visibility");
        assert!(wider.message.contains("choose team or narrower"));
    }

    #[test]
    fn threads_read_depth_first_oldest_first_and_keep_every_note() {
        let ids = ["root", "r2", "r1", "r1a", "lone", "x", "y"];
        let parents = [
            None,
            Some("root"),
            Some("root"),
            Some("r1"),
            Some("gone"),
            Some("y"),
            Some("x"),
        ];
        // r2 and r1 were written in the same second: r1 first.
        let written = [
            ("1", 0),
            ("2", 2),
            ("2", 1),
            ("4", 1),
            ("0", 0),
            ("5", 0),
            ("6", 1),
        ];
        let found = threads(&parents, &ids, &written);
        assert_eq!(
            found,
            [
                Thread {
                    root: 0,
                    replies: vec![(2, 1), (3, 2), (1, 1)]
                },
                Thread {
                    root: 4,
                    replies: vec![]
                },
                Thread {
                    root: 5,
                    replies: vec![(6, 1)]
                },
            ]
        );
    }
}
