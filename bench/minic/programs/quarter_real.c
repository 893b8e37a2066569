// args: --reals
if (x*4 == 1) return 1;
