// roots 1, 2, 3 of a cubic; only x = 3 passes both tests
if (x*x*x - 6*x*x + 11*x - 6 == 0 && x > 2) return 1;
if (x*x == 2) return 2;   // no integer root: infeasible
return 0;
