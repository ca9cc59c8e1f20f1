//! The encryption poll area (see /work/notes/issue3.md for the contract).

use super::{Collected, RegionClients, Shared};
use crate::domain::inventory::Inventory;

pub async fn collect(_shared: &Shared, clients: &RegionClients, _current: &Inventory) -> Collected {
    let mut collected = Collected::default();
    collected.inventory.regions.push(clients.region.clone());
    collected
}
