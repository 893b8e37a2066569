// Two dice: the sum's distribution, and how often it is 7.
//   symtest prob -f examples/prob/dice.c --observe seven
d1 ~ uniform(1, 6);
d2 ~ uniform(1, 6);
seven = d1 + d2 == 7;
return d1 + d2;
