//! `page`, `page_size` and `order_by` of list calls.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::api::extract::Checker;
use crate::errors::Reason;

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    CreatedAsc,
    CreatedDesc,
    NameAsc,
    NameDesc,
}

impl Order {
    /// Whether the list runs backwards.
    pub fn descending(self) -> bool {
        matches!(self, Order::CreatedDesc | Order::NameDesc)
    }
}

/// Which page of a list, in which order.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: usize,
    pub page_size: usize,
    pub order: Order,
}

impl Paging {
    /// Reads the paging arguments of a query, refusing bad ones into `check`; `by_name` allows
    /// the `name_asc` / `name_desc` orders (namespaces and functions).
    pub fn read(query: &HashMap<String, String>, check: &mut Checker, by_name: bool) -> Self {
        let get = |name: &str| query.get(name).map(String::as_str);
        let page = check.number("page", get("page"), 1..=usize::MAX, 1);
        let page_size = check.number("page_size", get("page_size"), 1..=100, 20);
        let order = match get("order_by") {
            None | Some("created_at_asc") => Order::CreatedAsc,
            Some("created_at_desc") => Order::CreatedDesc,
            Some("name_asc") if by_name => Order::NameAsc,
            Some("name_desc") if by_name => Order::NameDesc,
            Some(_) => {
                let help = if by_name {
                    "order_by must be created_at_asc, created_at_desc, name_asc or name_desc"
                } else {
                    "order_by must be created_at_asc or created_at_desc"
                };
                check.refuse("order_by", Reason::Constraint, help);
                Order::CreatedAsc
            }
        };
        Paging {
            page,
            page_size,
            order,
        }
    }

    /// How many items come before the page.
    fn skip(&self) -> usize {
        (self.page - 1).saturating_mul(self.page_size)
    }

    /// The page of `items` (already in order), with how many items there are in all.
    pub fn page<T>(&self, items: impl Iterator<Item = T>) -> (Vec<T>, usize) {
        let skip = self.skip();
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

    /// The page of `items` (already in order) when their number is known: reads no further.
    pub fn page_of_known<T>(&self, items: impl Iterator<Item = T>) -> Vec<T> {
        items.skip(self.skip()).take(self.page_size).collect()
    }

    /// `records` in this page's order: by creation date, or by name then creation date.
    pub fn sort<'a, T: 'a>(
        &self,
        records: impl Iterator<Item = &'a T>,
        created_at: impl Fn(&T) -> OffsetDateTime,
        name: impl Fn(&T) -> &str,
    ) -> impl Iterator<Item = &'a T> {
        let mut sorted: Vec<&T> = records.collect();
        match self.order {
            Order::CreatedAsc | Order::CreatedDesc => sorted.sort_by_key(|r| created_at(r)),
            Order::NameAsc | Order::NameDesc => sorted
                .sort_by(|a, b| (name(a).cmp(name(b))).then(created_at(a).cmp(&created_at(b)))),
        }
        if self.order.descending() {
            sorted.reverse();
        }
        sorted.into_iter()
    }
}
