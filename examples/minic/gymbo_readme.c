// The example from Gymbo's README: the inner branch can never be taken.
if (a < 3) if (a > 4) return 1;
