package io.kamiflow.catalog;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Checkout's copies of the visible products it sells, with their tiers, by sku (issue 23: a round trip less per
 * checkout). A copy is only as good as its {@link Product#version() version}: whoever prices an order from one must
 * check that version in the statement that writes the order (the product row as that statement's snapshot has it),
 * and {@link #forget} the copy and read again when it changed, which another node's change makes happen. This node's
 * catalogue changes drop every copy at once ({@link CatalogueVersion}). Every change of what a checkout reads of a
 * product makes a new version (the tiers included, {@link ProductRepository#bumpVersion}); the fields set without one
 * are the shop's order, the list price and the stock display (none priced), and a new product's details, written in
 * its creating transaction.
 */
@Component
public class OfferCopies {

    /** More visible products than this and the copies start over: bounded by the shop's catalogue, not by requests. */
    private static final int MAX = 10_000;

    private record Copy(long generation, ProductRepository.WithTiers offer) {
    }

    private final ConcurrentHashMap<String, Copy> copies = new ConcurrentHashMap<>();
    private final ProductRepository products;
    private final CatalogueVersion version;

    OfferCopies(ProductRepository products, CatalogueVersion version) {
        this.products = products;
        this.version = version;
    }

    /** The visible product with its tiers: this node's copy, else read (one statement) and kept; empty when none. */
    public Optional<ProductRepository.WithTiers> active(String sku) {
        long generation = version.generation(); // before the read: a change committing meanwhile outdates the copy
        Copy copy = copies.get(sku);
        if (copy != null && copy.generation() == generation) {
            return Optional.of(copy.offer());
        }
        Optional<ProductRepository.WithTiers> read = products.findActiveBySkuWithTiers(sku);
        if (read.isPresent()) { // an unknown sku is not kept: requests choose those
            if (copies.size() >= MAX) {
                copies.clear();
            }
            copies.put(sku, new Copy(generation, read.get()));
        }
        return read;
    }

    /** The copy turned out older than the product's row: the next {@link #active} reads it again. */
    public void forget(String sku) {
        copies.remove(sku);
    }
}
