// Gymbo README
if (a < 3) if (a > 4) return 1;
