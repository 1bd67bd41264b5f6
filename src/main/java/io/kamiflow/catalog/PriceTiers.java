package io.kamiflow.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Wholesale tiers (批发价): from {@code minQuantity} keys on, one key costs {@code unitPrice}. Several per product; for
 * a quantity the lowest price among the list price and the tiers it reaches wins. A tier is kept in the currency it
 * was set in and applies only while the product sells in that currency, so a change of currency never turns ¥8 into $8.
 */
@Repository
public class PriceTiers {

    public static final int MAX_TIERS = 10;
    public static final int MAX_MIN_QUANTITY = 100_000;

    public record Tier(int minQuantity, Money unitPrice) {
    }

    /** A tier as the admin sends it: {@code {"minQuantity": 10, "unitPrice": "8.00"}}, in the product's currency. */
    public record TierInput(Integer minQuantity, String unitPrice) {
    }

    /**
     * The tiers that apply to product {@code p} now, as a join: those in its currency ({@link #of}'s rule), one row per
     * tier, ordered by {@link #JOINED_ORDER}; read each row with {@link #joined}.
     */
    static final String JOINED_COLUMNS =
            "t.min_quantity AS tier_min_quantity, t.unit_price_minor AS tier_unit_price_minor, t.currency AS tier_currency";
    static final String JOIN_CURRENT = "LEFT JOIN product_tier t ON t.product_id = p.id AND t.currency = p.currency";
    static final String JOINED_ORDER = "t.min_quantity";

    private final JdbcClient jdbc;
    private final CatalogueVersion version;

    PriceTiers(JdbcClient jdbc, CatalogueVersion version) {
        this.jdbc = jdbc;
        this.version = version;
    }

    /** Every visible product's tiers in its currency, by quantity: {@link CatalogueCache}'s copy, in one query. */
    Map<Long, List<Tier>> all() {
        Map<Long, List<Tier>> all = new HashMap<>();
        jdbc.sql("""
                SELECT t.product_id, t.min_quantity, t.unit_price_minor, t.currency FROM product_tier t
                JOIN product p ON p.id = t.product_id AND p.currency = t.currency AND p.active
                ORDER BY t.product_id, t.min_quantity""")
                .query(rs -> {
                    all.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>())
                            .add(new Tier(rs.getInt(2), new Money(rs.getLong(3), rs.getString(4))));
                });
        Map<Long, List<Tier>> frozen = new HashMap<>();
        all.forEach((id, tiers) -> frozen.put(id, List.copyOf(tiers)));
        return Map.copyOf(frozen);
    }

    /** The product's tiers that apply in its currency now, by quantity. */
    public List<Tier> of(Product product) {
        return jdbc.sql("SELECT min_quantity, unit_price_minor, currency FROM product_tier WHERE product_id = ? AND currency = ? ORDER BY min_quantity")
                .params(product.id(), product.price().currency())
                .query((rs, n) -> new Tier(rs.getInt(1), new Money(rs.getLong(2), rs.getString(3)))).list();
    }

    /** The tier on this row of a {@link #JOIN_CURRENT} join, or null when the product has none. */
    static Tier joined(ResultSet rs) throws SQLException {
        long price = rs.getLong("tier_unit_price_minor");
        return rs.wasNull() ? null : new Tier(rs.getInt("tier_min_quantity"), new Money(price, rs.getString("tier_currency")));
    }

    /** What one key costs in an order of {@code quantity}: the lowest of the list price and the tiers reached. */
    public static Money unitPrice(Product product, List<Tier> tiers, int quantity) {
        Money best = product.price();
        for (Tier tier : tiers) {
            if (quantity >= tier.minQuantity() && tier.unitPrice().currency().equals(best.currency())
                    && tier.unitPrice().minor() < best.minor()) {
                best = tier.unitPrice();
            }
        }
        return best;
    }

    /** The order's amount before any coupon: the unit price for this quantity times the quantity. */
    public Money subtotal(Product product, int quantity) {
        return unitPrice(product, of(product), quantity).times(quantity);
    }

    /** Replaces the product's tiers (in the caller's transaction: with the product's change). */
    void replace(long productId, List<Tier> tiers) {
        version.changed();
        jdbc.sql("DELETE FROM product_tier WHERE product_id = ?").param(productId).update();
        for (Tier tier : tiers) {
            jdbc.sql("INSERT INTO product_tier (product_id, min_quantity, unit_price_minor, currency) VALUES (?, ?, ?, ?)")
                    .params(productId, tier.minQuantity(), tier.unitPrice().minor(), tier.unitPrice().currency()).update();
        }
    }

    /**
     * The admin's tiers checked: each with a quantity of 2 to {@value #MAX_MIN_QUANTITY}, none twice, a unit price above
     * zero in the product's currency with no more decimals than it has, at most {@value #MAX_TIERS}.
     * @throws ProductChanges.InvalidField naming "tiers"
     */
    static List<Tier> parse(List<TierInput> given, String currency) {
        if (given.size() > MAX_TIERS) {
            throw invalid("at most " + MAX_TIERS + " tiers per product", MAX_TIERS);
        }
        List<Tier> tiers = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (TierInput input : given) {
            if (input == null || input.minQuantity() == null || input.minQuantity() < 2 || input.minQuantity() > MAX_MIN_QUANTITY) {
                throw invalid("each tier needs a minQuantity from 2 to " + MAX_MIN_QUANTITY, MAX_MIN_QUANTITY);
            }
            if (!seen.add(input.minQuantity())) {
                throw invalid("two tiers start at quantity " + input.minQuantity(), input.minQuantity());
            }
            Money price;
            try {
                price = Money.parse(input.unitPrice(), currency);
            } catch (IllegalArgumentException e) {
                throw invalid("tier from " + input.minQuantity() + ": unitPrice: " + e.getMessage(), input.minQuantity());
            }
            if (price.minor() <= 0) {
                throw invalid("tier from " + input.minQuantity() + ": unitPrice must be greater than zero", input.minQuantity());
            }
            tiers.add(new Tier(input.minQuantity(), price));
        }
        tiers.sort(Comparator.comparingInt(Tier::minQuantity));
        return List.copyOf(tiers);
    }

    /** "10: 8.00, 50: 7.00", for the audit row and the back office's text field. */
    public static String describe(List<Tier> tiers) {
        return tiers.stream().map(t -> t.minQuantity() + ": " + t.unitPrice().amount()).collect(Collectors.joining(", "));
    }

    private static ProductChanges.InvalidField invalid(String detail, Object argument) {
        return new ProductChanges.InvalidField("tiers", "tiers.invalid", "tiers: " + detail, argument);
    }
}
