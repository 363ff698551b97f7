package dev.switchboard.console.ui.common;

import java.util.Comparator;

/**
 * Orders text as people read numbered names: runs of digits compare as numbers, so
 * {@code chat-100-2} comes before {@code chat-100-10} (plain string order puts it after). The
 * rest compares character by character; a tie between equal numbers written differently
 * ({@code 7} and {@code 007}) goes to the shorter text, so that only equal texts compare as equal.
 */
public final class NaturalOrder implements Comparator<String> {
    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {
    }

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (isDigit(x) && isDigit(y)) {
                int endA = digitsEnd(a, i);
                int endB = digitsEnd(b, j);
                int byNumber = compareNumbers(a, i, endA, b, j, endB);
                if (byNumber != 0) {
                    return byNumber;
                }
                i = endA;
                j = endB;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int byRest = Integer.compare(a.length() - i, b.length() - j);
        if (byRest != 0) {
            return byRest;
        }
        int byLength = Integer.compare(a.length(), b.length());
        // equal so far only when the numbers were written alike up to leading zeros: any order, but always the same
        return byLength != 0 ? byLength : a.compareTo(b);
    }

    /** Compares two digit runs by value without parsing them (a run may be longer than a long). */
    private static int compareNumbers(String a, int fromA, int endA, String b, int fromB, int endB) {
        int startA = skipZeros(a, fromA, endA);
        int startB = skipZeros(b, fromB, endB);
        int byLength = Integer.compare(endA - startA, endB - startB);
        if (byLength != 0) {
            return byLength;
        }
        for (int k = 0; k < endA - startA; k++) {
            int byDigit = Character.compare(a.charAt(startA + k), b.charAt(startB + k));
            if (byDigit != 0) {
                return byDigit;
            }
        }
        return 0;
    }

    private static int skipZeros(String text, int from, int end) {
        int at = from;
        while (at < end - 1 && text.charAt(at) == '0') {
            at++;
        }
        return at;
    }

    private static int digitsEnd(String text, int from) {
        int at = from;
        while (at < text.length() && isDigit(text.charAt(at))) {
            at++;
        }
        return at;
    }

    /** ASCII digits only: user ids are {@code [A-Za-z0-9._@-]}. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
