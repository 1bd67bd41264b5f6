package io.kamiflow.inventory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/** When keys are set aside for an order: at checkout (reserved until the order expires) or only once paid. */
@Component
@ConfigurationProperties("kamiflow.stock")
public class StockSettings {

    public enum Reservation { ON_CHECKOUT, ON_PAYMENT }

    private Reservation reservation = Reservation.ON_CHECKOUT;
    /** Open (unpaid, reserving) orders one buyer email may hold at once. */
    private int maxOpenReservationsPerBuyer = 3;

    public Reservation getReservation() {
        return reservation;
    }

    public void setReservation(Reservation reservation) {
        this.reservation = reservation;
    }

    public int getMaxOpenReservationsPerBuyer() {
        return maxOpenReservationsPerBuyer;
    }

    public void setMaxOpenReservationsPerBuyer(int maxOpenReservationsPerBuyer) {
        this.maxOpenReservationsPerBuyer = maxOpenReservationsPerBuyer;
    }
}
