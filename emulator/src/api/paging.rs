//! `page`, `page_size` and `order_by` of list calls, and the page they select.

use std::cmp::Reverse;

use serde::ser::{Serialize, SerializeMap, Serializer};
use time::OffsetDateTime;

use crate::api::extract::{Checker, Query};
use crate::errors::Reason;

/// What a list is ordered by: `order_by` is its wire name then `_asc` or `_desc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    CreatedAt,
    UpdatedAt,
    /// `name` (`policy_name` for policies).
    Name,
    ExpiresAt,
    AccessKey,
}

/// What a record is sorted on for one [`By`]: dates (none first) or text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey<'a> {
    Date(Option<OffsetDateTime>),
    Text(&'a str),
}

/// Which page of a list, in which order.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: usize,
    pub page_size: usize,
    pub by: By,
    pub descending: bool,
}

impl Paging {
    /// Reads the paging arguments of a query, refusing bad ones into `check`; `orders` are the
    /// list's orders by wire name, the first being the default (ascending).
    pub fn read(query: &Query, check: &mut Checker, orders: &[(&str, By)]) -> Self {
        let page = check.number("page", query.get("page"), 1..=usize::MAX, 1);
        let page_size = check.number("page_size", query.get("page_size"), 1..=100, 20);
        let (by, descending) = match query.get("order_by") {
            None => (orders[0].1, false),
            Some(order) => {
                let found =
                    (orders.iter()).find_map(|(name, by)| match order.strip_prefix(name)? {
                        "_asc" => Some((*by, false)),
                        "_desc" => Some((*by, true)),
                        _ => None,
                    });
                found.unwrap_or_else(|| {
                    let names: Vec<String> = (orders.iter())
                        .flat_map(|(name, _)| [format!("{name}_asc"), format!("{name}_desc")])
                        .collect();
                    let help = format!("order_by must be one of {}", names.join(", "));
                    check.refuse("order_by", Reason::Constraint, help);
                    (orders[0].1, false)
                })
            }
        };
        Paging {
            page,
            page_size,
            by,
            descending,
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

    /// The page of `items` (already in order) as a list answer, each shown by `view`.
    pub fn listed<T, V>(
        &self,
        field: &'static str,
        items: impl Iterator<Item = T>,
        view: impl Fn(T) -> V,
    ) -> Listed<V> {
        let (page, total_count) = self.page(items);
        Listed {
            field,
            items: page.into_iter().map(view).collect(),
            total_count,
        }
    }

    /// The page of `items` (already in order) when their number is known: reads no further.
    pub fn page_of_known<T>(&self, items: impl Iterator<Item = T>) -> Vec<T> {
        items.skip(self.skip()).take(self.page_size).collect()
    }

    /// `records` in this page's order; ties go by creation date, then by `key`'s own tie-breaker.
    pub fn sort<'a, T: 'a>(
        &self,
        records: impl Iterator<Item = &'a T>,
        key: impl Fn(&'a T, By) -> SortKey<'a>,
    ) -> impl Iterator<Item = &'a T> {
        let mut sorted: Vec<&T> = records.collect();
        let order = |r: &&'a T| (key(r, self.by), key(r, By::CreatedAt));
        if self.descending {
            sorted.sort_by_key(|r| Reverse(order(r)));
        } else {
            sorted.sort_by_key(order);
        }
        sorted.into_iter()
    }
}

/// A page of a list as the API answers it: `{"<field>": [...], "total_count": n}`.
pub struct Listed<T> {
    pub field: &'static str,
    pub items: Vec<T>,
    pub total_count: usize,
}

impl<T: Serialize> Serialize for Listed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(self.field, &self.items)?;
        map.serialize_entry("total_count", &self.total_count)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(query: &str, orders: &[(&str, By)]) -> Result<Paging, crate::errors::ApiError> {
        let query = Query::parse(query).unwrap();
        let mut check = Checker::default();
        let paging = Paging::read(&query, &mut check, orders);
        check.finish().map(|()| paging)
    }

    #[test]
    fn orders_are_a_listed_name_then_asc_or_desc() {
        let orders = [("policy_name", By::Name), ("created_at", By::CreatedAt)];
        let default = paging("", &orders).unwrap();
        assert_eq!((default.by, default.descending), (By::Name, false));
        let desc = paging("order_by=created_at_desc", &orders).unwrap();
        assert_eq!((desc.by, desc.descending), (By::CreatedAt, true));
        for bad in [
            "order_by=name_asc",
            "order_by=created_at",
            "order_by=policy_name_up",
        ] {
            assert!(paging(bad, &orders).is_err(), "{bad}");
        }
    }
}
