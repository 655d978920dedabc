// A field type without `EncodeTag`: the error points at that field's type.
use etag_core::ETag;

struct Money {
    cents: i64,
}

#[derive(ETag)]
struct Invoice {
    id: u64,
    total: Money,
}

#[derive(ETag)]
enum Payment {
    Card { last4: String },
    Cash(Money),
}

fn main() {
    let _ = Money { cents: 1 }.cents;
}
