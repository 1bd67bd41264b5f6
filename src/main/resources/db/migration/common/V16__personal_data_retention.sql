-- Personal data has a retention period ("Forget personal data", kamiflow.retention.*). An order whose buyer data has
-- been erased keeps its number, amounts, status, payments and keys for the accounting; buyer_email then holds a
-- placeholder and this says since when. Find-my-order, the key mail and an admin's resend skip such an order.
ALTER TABLE customer_order ADD COLUMN personal_data_erased_at TIMESTAMP WITH TIME ZONE;
