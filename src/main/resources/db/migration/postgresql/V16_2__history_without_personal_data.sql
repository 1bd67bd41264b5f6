-- Camunda's history written before V16 may hold personal data for up to 180 days: the addresses support corrected
-- in the Manual delivery form, the masked address it showed, what support and admins typed (notes, refund reasons and
-- references) as variables and as submitted form fields (ACT_HI_DETAIL), and addresses echoed in delivery errors.
-- LeanHistoryEventHandler writes none of these any more; this removes the old ones. The engine's tables are not
-- Flyway's: on a new database they do not exist yet when this runs, and there is nothing to remove.
DO $$
BEGIN
    IF to_regclass('act_hi_varinst') IS NOT NULL THEN
        DELETE FROM act_hi_varinst WHERE name_ IN ('correctedEmail', 'buyerEmailMasked', 'manualNote', 'reviewNote',
                                                  'refundReason', 'manualRefundReference', 'manualRefundNote');
        UPDATE act_hi_varinst
           SET text_ = regexp_replace(text_, '[^\s<>()\[\],;:"''`]*@[^\s<>()\[\],;:"''`]*', '(address)', 'g')
         WHERE name_ = 'lastDeliveryError' AND text_ LIKE '%@%';
    END IF;
    IF to_regclass('act_hi_detail') IS NOT NULL THEN
        DELETE FROM act_hi_detail WHERE type_ = 'FormProperty'
            OR name_ IN ('correctedEmail', 'buyerEmailMasked', 'manualNote', 'reviewNote', 'refundReason',
                         'manualRefundReference', 'manualRefundNote', 'lastDeliveryError');
    END IF;
END
$$;
