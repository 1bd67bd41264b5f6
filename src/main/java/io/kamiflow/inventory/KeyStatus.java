package io.kamiflow.inventory;

public enum KeyStatus {
    AVAILABLE, RESERVED, SOLD, VOID
}
