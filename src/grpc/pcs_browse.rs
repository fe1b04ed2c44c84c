//! ICD-10-PCS tables browsed axis by axis through ListChildren, the way a coder builds a code:
//! below a table (`0DT` Resection) come the values of the 4th character (`0DTJ` Appendix), then
//! those of the 5th (`0DTJ4` Percutaneous Endoscopic) and 6th, then the codes.

use super::convert;
use super::proto;
use crate::codes::{Child, Release};

/// Children and path of a table or partial code of a PCS release.
pub struct AxisListing {
    /// The values of the next position (or the codes, below six characters), in order.
    pub children: Vec<proto::HierarchyChild>,
    /// From the section down to the parent itself.
    pub path: Vec<proto::HierarchyStep>,
}

/// For `parent` a table (3 characters) or a partial code of 4 to 6 characters of an ICD-10-PCS
/// `release` that some code starts with: what follows it. `None` for anything else.
pub fn axis_children(release: &Release, parent: &str) -> Option<AxisListing> {
    let pcs = release.pcs()?;
    let key = parent.trim().to_ascii_uppercase();
    if !(3..=6).contains(&key.len()) || !key.is_ascii() {
        return None;
    }
    let next = pcs.tables.next_axis(&key);
    if next.is_empty() {
        return None;
    }
    let children = next
        .iter()
        .filter_map(|value| {
            let id = format!("{key}{}", value.code);
            if id.len() == 7 {
                return release.entry_index(&id).and_then(|index| convert::child(release, Child::Entry(index)));
            }
            Some(proto::HierarchyChild {
                id,
                level: proto::HierarchyLevel::AxisValue as i32,
                title: value.label.to_string(),
                has_children: true,
                ..Default::default()
            })
        })
        .collect();
    let mut path = convert::steps(release.info.system, &release.path_to(&key[..3]));
    for length in 4..=key.len() {
        let character = key[length - 1..length].chars().next()?;
        let value = pcs.tables.next_axis(&key[..length - 1]).into_iter().find(|value| value.code == character)?;
        path.push(proto::HierarchyStep {
            id: key[..length].to_string(),
            level: proto::HierarchyLevel::AxisValue as i32,
            title: value.label.to_string(),
        });
    }
    Some(AxisListing { children, path })
}

/// One page of a listing, as ListChildren answers it.
pub fn page(
    listing: AxisListing,
    offset: usize,
    page_size: usize,
    fingerprint: u64,
    release: &Release,
) -> proto::ListChildrenResponse {
    let total = listing.children.len();
    let next = offset.saturating_add(page_size);
    proto::ListChildrenResponse {
        children: listing.children.into_iter().skip(offset).take(page_size).collect(),
        next_page_token: if next < total { super::page_token::encode(next, fingerprint) } else { String::new() },
        path: listing.path,
        release_version: release.info.version.clone(),
    }
}
