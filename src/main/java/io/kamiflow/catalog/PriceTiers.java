package io.kamiflow.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
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

    private final JdbcClient jdbc;

    PriceTiers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The product's tiers that apply in its currency now, by quantity. */
    public List<Tier> of(Product product) {
        return jdbc.sql("SELECT min_quantity, unit_price_minor, currency FROM product_tier WHERE product_id = ? AND currency = ? ORDER BY min_quantity")
                .params(product.id(), product.price().currency())
                .query((rs, n) -> new Tier(rs.getInt(1), new Money(rs.getLong(2), rs.getString(3)))).list();
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
