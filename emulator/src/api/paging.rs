//! `page`, `page_size` and `order_by` of list calls.

use std::collections::HashMap;

use crate::api::extract::Checker;
use crate::errors::Reason;

/// Which page of a list, in which order.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: usize,
    pub page_size: usize,
    pub descending: bool,
}

impl Paging {
    /// Reads the paging arguments of a query, refusing bad ones into `check`.
    pub fn read(query: &HashMap<String, String>, check: &mut Checker) -> Self {
        let get = |name: &str| query.get(name).map(String::as_str);
        let page = check.number("page", get("page"), 1..=usize::MAX, 1);
        let page_size = check.number("page_size", get("page_size"), 1..=100, 20);
        let descending = match get("order_by") {
            None | Some("created_at_asc") => false,
            Some("created_at_desc") => true,
            Some(_) => {
                let help = "order_by must be created_at_asc or created_at_desc";
                check.refuse("order_by", Reason::Constraint, help);
                false
            }
        };
        Paging {
            page,
            page_size,
            descending,
        }
    }

    /// The page of `items` (already in order), with how many items there are in all.
    pub fn page<T>(&self, items: impl Iterator<Item = T>) -> (Vec<T>, usize) {
        let skip = (self.page - 1).saturating_mul(self.page_size);
        let mut total = 0;
        let mut shown = Vec::new();
        for item in items {
            if total >= skip && shown.len() < self.page_size {
                shown.push(item);
            }
            total += 1;
        }
        (shown, total)
    }
}
