package io.kamiflow.backoffice;

import java.util.ArrayList;
import java.util.List;

/**
 * Paid orders per day as SVG bars, computed here and drawn by the template (no script, no library, nothing the CSP
 * would refuse): a viewBox of 600 x 160, bars scaled to the busiest day.
 */
record SalesChart(List<Bar> bars, long max, String firstDay, String lastDay) {

    static final int WIDTH = 600;
    static final int HEIGHT = 140;

    record Bar(int x, int y, int width, int height, String day, long paidOrders) {
    }

    static SalesChart of(List<SalesFigures.Day> days) {
        long max = Math.max(1, days.stream().mapToLong(SalesFigures.Day::paidOrders).max().orElse(0));
        int slot = WIDTH / Math.max(1, days.size());
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            SalesFigures.Day day = days.get(i);
            int height = (int) Math.round((double) day.paidOrders() * HEIGHT / max);
            bars.add(new Bar(i * slot + 1, HEIGHT - height, Math.max(1, slot - 2), height, day.date().toString(), day.paidOrders()));
        }
        return new SalesChart(bars, max, days.isEmpty() ? "" : days.get(0).date().toString(),
                days.isEmpty() ? "" : days.get(days.size() - 1).date().toString());
    }
}
