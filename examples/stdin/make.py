"""Writes the stdin fixtures of this folder, one file per published format,
from the problems below: every expected output is what the Python reference
prints (or returns) when CPython runs it. `bench/stdin/check.py` verifies
the files, and that each wrong solution passes all of its dataset's tests
but not the input that exposes it.

    python3 examples/stdin/make.py
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

STDIN_NOTE = "Write a Python 3 program that reads standard input and writes standard output."

# ---------------------------------------------------------------- APPS

APPS = [
    {
        "problem_id": 9001,
        "question": """You are given n integers. Sort them and print the largest difference between two neighbours
in sorted order. If n = 1 there are no neighbours: print 0.

-----Input-----
The first line contains n (1 ≤ n ≤ 10^5). The second line contains n integers a_1..a_n
(-10^9 ≤ a_i ≤ 10^9).

-----Output-----
Print one integer.
""",
        "solution": """n = int(input())
a = sorted(map(int, input().split()))
best = 0
for i in range(1, n):
    best = max(best, a[i] - a[i - 1])
print(best)
""",
        "inputs": ["4\n3 9 1 5\n", "2\n7 7\n"],
        "wrong": [
            {
                "completion": """n = int(input())
a = sorted(map(int, input().split()))
print(max(a[i + 1] - a[i] for i in range(n - 1)))
""",
                "exposed_by": "1\n5\n",
                "why": "mishandles n = 1: max() of an empty sequence raises",
            }
        ],
    },
    {
        "problem_id": 9002,
        "question": """For each of t queries count the integers x with l ≤ x ≤ r that are divisible by k.

-----Input-----
The first line contains t (1 ≤ t ≤ 10^4). Each of the next t lines contains l, r and k
(1 ≤ l ≤ r ≤ 10^9, 1 ≤ k ≤ 10^9).

-----Output-----
For each query print the count on its own line.
""",
        "solution": """import sys

t = int(sys.stdin.readline())
for _ in range(t):
    l, r, k = map(int, sys.stdin.readline().split())
    print(r // k - (l - 1) // k)
""",
        "inputs": ["2\n1 10 3\n5 20 4\n"],
        "wrong": [
            {
                "completion": """import sys

t = int(sys.stdin.readline())
for _ in range(t):
    l, r, k = map(int, sys.stdin.readline().split())
    print(r // k - l // k)
""",
                "exposed_by": "1\n3 9 3\n",
                "why": "off by one at the lower boundary: misses l itself when k divides l",
            }
        ],
    },
    {
        "problem_id": 9003,
        "question": """A board of n rows and m columns has cells that are painted (#) or empty (.). Print the number of
rows that are entirely painted and the number of columns that are entirely painted.

-----Input-----
The first line contains n and m (1 ≤ n, m ≤ 100). Each of the next n lines is a string of m
characters, each # or '.'.

-----Output-----
Print two integers separated by a space.
""",
        "solution": """n, m = map(int, input().split())
g = [input().strip() for _ in range(n)]
rows = sum(1 for row in g if row == '#' * m)
cols = 0
for j in range(m):
    if all(g[i][j] == '#' for i in range(n)):
        cols += 1
print(rows, cols)
""",
        "inputs": ["3 3\n###\n#.#\n###\n", "2 2\n..\n..\n"],
        "wrong": [
            {
                "completion": """n, m = map(int, input().split())
g = [input().strip() for _ in range(n)]
rows = sum(1 for row in g if '.' not in row)
cols = sum(1 for j in range(n) if all(g[i][j] == '#' for i in range(n)))
print(rows, cols)
""",
                "exposed_by": "1 2\n##\n",
                "why": "loops over n columns instead of m: wrong on every board that is not square",
            }
        ],
    },
]

# An APPS call-based row (`fn_name`), for completeness.
APPS_CALL = {
    "problem_id": 9004,
    "question": """Write a function median(nums) that returns the median of a non-empty list of integers: the middle
element of the sorted list when its length is odd, and the mean of the two middle elements when it
is even.

-----Constraints-----
1 ≤ len(nums) ≤ 10^5, -10^9 ≤ nums[i] ≤ 10^9.
""",
    "starter_code": "def median(nums):\n",
    "solution": """def median(nums):
    s = sorted(nums)
    n = len(s)
    if n % 2 == 1:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) / 2
""",
    "fn_name": "median",
    "inputs": [[[3, 1, 2]], [[5]]],
    "wrong": [
        {
            "completion": """def median(nums):
    return sorted(nums)[len(nums) // 2]
""",
            "exposed_by": [[1, 2, 3, 4]],
            "why": "a missed case: an even length takes the upper middle element instead of the mean",
        }
    ],
}

# ---------------------------------------------------------- CodeContests

CODECONTESTS = [
    {
        "name": "1001_A. Permutation Check",
        "description": """A sequence of n integers is a permutation if it contains every integer from 1 to n exactly once.
For each test case decide whether the given sequence is a permutation.

Input

The first line contains t (1 ≤ t ≤ 10^4). Each test case consists of two lines: the first contains
n (1 ≤ n ≤ 2 ⋅ 10^5), the second contains n integers a_1, …, a_n (1 ≤ a_i ≤ 10^9).

Output

For each test case print YES or NO.

Example

Input

2
3
3 1 2
2
1 1

Output

YES
NO
""",
        "python3": """t = int(input())
for _ in range(t):
    n = int(input())
    a = list(map(int, input().split()))
    print("YES" if sorted(a) == list(range(1, n + 1)) else "NO")
""",
        "python2": """t = int(raw_input())
for _ in range(t):
    n = int(raw_input())
    a = map(int, raw_input().split())
    print "YES" if sorted(a) == range(1, n + 1) else "NO"
""",
        "cpp": """#include <bits/stdc++.h>
using namespace std;
int main() {
    int t; scanf("%d", &t);
    while (t--) {
        int n; scanf("%d", &n);
        vector<long long> a(n);
        for (auto &x : a) scanf("%lld", &x);
        sort(a.begin(), a.end());
        bool ok = true;
        for (int i = 0; i < n; i++) if (a[i] != i + 1) ok = false;
        puts(ok ? "YES" : "NO");
    }
}
""",
        "public": ["2\n3\n3 1 2\n2\n1 1\n"],
        "private": ["1\n4\n4 3 2 1\n", "1\n1\n2\n"],
        "generated": ["3\n1\n1\n2\n2 1\n3\n1 2 2\n"],
        "meta": {"source": 2, "difficulty": 7, "cf_contest_id": 1001, "cf_index": "A", "cf_points": 500.0,
                 "cf_rating": 800, "cf_tags": ["implementation", "sortings"]},
        "wrong": [
            {
                "completion": """t = int(input())
for _ in range(t):
    n = int(input())
    a = list(map(int, input().split()))
    print("YES" if sum(a) == n * (n + 1) // 2 else "NO")
""",
                "exposed_by": "1\n3\n2 2 2\n",
                "why": "a missed case: checks only the sum, which 2 2 2 shares with 1 2 3",
            }
        ],
    },
    {
        "name": "1002_B. Night Shift",
        "description": """A shift starts at time s and ends at time e, both given on a 24-hour clock as HH:MM. A shift that
ends at an earlier time of day than it starts ends on the next day; a shift with s = e lasts 0
minutes. Print the length of the shift in minutes.

Input

One line with s and e separated by a space (00 ≤ HH ≤ 23, 00 ≤ MM ≤ 59).

Output

Print one integer.

Example

Input

08:00 17:30

Output

570
""",
        "python3": """a, b = input().split()
h1, m1 = map(int, a.split(':'))
h2, m2 = map(int, b.split(':'))
d = (h2 * 60 + m2) - (h1 * 60 + m1)
if d < 0:
    d += 24 * 60
print(d)
""",
        "cpp": """#include <cstdio>
int main() {
    int h1, m1, h2, m2;
    scanf("%d:%d %d:%d", &h1, &m1, &h2, &m2);
    int d = (h2 * 60 + m2) - (h1 * 60 + m1);
    if (d < 0) d += 1440;
    printf("%d\\n", d);
}
""",
        "public": ["08:00 17:30\n"],
        "private": ["00:00 23:59\n", "12:00 12:00\n"],
        "generated": ["10:15 10:16\n"],
        "meta": {"source": 2, "difficulty": 8, "cf_contest_id": 1002, "cf_index": "B", "cf_points": 1000.0,
                 "cf_rating": 900, "cf_tags": ["implementation", "math"]},
        "wrong": [
            {
                "completion": """a, b = input().split()
h1, m1 = map(int, a.split(':'))
h2, m2 = map(int, b.split(':'))
print(abs((h2 * 60 + m2) - (h1 * 60 + m1)))
""",
                "exposed_by": "23:00 01:00\n",
                "why": "a missed case: a shift over midnight is measured backwards (abs) instead of to the next day",
            }
        ],
    },
    {
        "name": "1003_C. Distinct Counter",
        "description": """Process q operations on a bag of integers, initially empty: "+ x" puts one copy of x in the bag,
"- x" takes one copy of x out (the bag is guaranteed to hold one), and "?" asks how many distinct
values the bag holds.

Input

The first line contains q (1 ≤ q ≤ 2 ⋅ 10^5). Each of the next q lines holds an operation
(1 ≤ x ≤ 10^9).

Output

For each "?" print the answer on its own line.

Example

Input

4
+ 1
+ 2
+ 1
?

Output

2
""",
        "python3": """import sys

q = int(sys.stdin.readline())
cnt = {}
out = []
for _ in range(q):
    parts = sys.stdin.readline().split()
    if parts[0] == '+':
        x = int(parts[1])
        cnt[x] = cnt.get(x, 0) + 1
    elif parts[0] == '-':
        x = int(parts[1])
        cnt[x] -= 1
        if cnt[x] == 0:
            del cnt[x]
    else:
        out.append(str(len(cnt)))
sys.stdout.write('\\n'.join(out) + '\\n')
""",
        "cpp": """#include <bits/stdc++.h>
using namespace std;
int main() {
    int q; cin >> q;
    map<long long, int> cnt;
    while (q--) {
        string op; cin >> op;
        if (op == "?") { cout << cnt.size() << "\\n"; continue; }
        long long x; cin >> x;
        if (op == "+") cnt[x]++;
        else if (--cnt[x] == 0) cnt.erase(x);
    }
}
""",
        "public": ["4\n+ 1\n+ 2\n+ 1\n?\n"],
        "private": ["5\n+ 5\n+ 5\n- 5\n?\n?\n"],
        "generated": ["3\n+ 7\n?\n?\n"],
        "meta": {"source": 2, "difficulty": 9, "cf_contest_id": 1003, "cf_index": "C", "cf_points": 1500.0,
                 "cf_rating": 1200, "cf_tags": ["data structures"]},
        "wrong": [
            {
                "completion": """import sys
from collections import Counter

q = int(sys.stdin.readline())
cnt = Counter()
for _ in range(q):
    parts = sys.stdin.readline().split()
    if parts[0] == '+':
        cnt[int(parts[1])] += 1
    elif parts[0] == '-':
        cnt[int(parts[1])] -= 1
    else:
        print(len(cnt))
""",
                "exposed_by": "3\n+ 4\n- 4\n?\n",
                "why": "a value whose count drops to 0 is still counted (the key is never removed)",
            }
        ],
    },
]

# ---------------------------------------------------------------- TACO

TACO = [
    {
        "name": "digit_sum_four",
        "question": """For each of t numbers n print the smallest integer m ≥ n whose sum of decimal digits is divisible
by 4.

-----Input-----
The first line contains t (1 ≤ t ≤ 100). Each of the next t lines contains n (1 ≤ n ≤ 10^9).

-----Output-----
For each n print m on its own line.
""",
        "solution": """t = int(input())
for _ in range(t):
    m = int(input())
    while sum(int(c) for c in str(m)) % 4 != 0:
        m += 1
    print(m)
""",
        "inputs": ["2\n432\n99\n"],
        "meta": {"difficulty": "EASY", "raw_tags": "['Brute Force', 'Math']", "source": "codeforces",
                 "tags": "['Mathematics', 'Complete search']", "skill_types": "['Complete search']",
                 "url": "", "Expected Auxiliary Space": None, "time_limit": "1 seconds", "date": "",
                 "picture_num": "0", "memory_limit": "256 megabytes", "Expected Time Complexity": None},
        "wrong": [
            {
                "completion": """t = int(input())
for _ in range(t):
    m = int(input()) + 1
    while sum(int(c) for c in str(m)) % 4 != 0:
        m += 1
    print(m)
""",
                "exposed_by": "1\n4\n",
                "why": "off by one: starts looking at n + 1, so an n that already qualifies is skipped",
            }
        ],
    },
    {
        "name": "best_line",
        "question": """A table of n rows and m columns holds integers. Print the largest row sum and the largest column sum.

-----Input-----
The first line contains n and m (1 ≤ n, m ≤ 100). Each of the next n lines contains m integers
(-100 ≤ a_ij ≤ 100).

-----Output-----
Two integers separated by a space.
""",
        "solution": """import sys

data = sys.stdin.read().split()
n, m = int(data[0]), int(data[1])
a = [[int(data[2 + i * m + j]) for j in range(m)] for i in range(n)]
best_row = max(sum(row) for row in a)
best_col = max(sum(a[i][j] for i in range(n)) for j in range(m))
print(best_row, best_col)
""",
        "inputs": ["2 3\n1 2 3\n4 5 6\n"],
        "meta": {"difficulty": "EASY", "raw_tags": "['Matrix']", "source": "hackerearth",
                 "tags": "['Matrices']", "skill_types": "[]", "url": "", "Expected Auxiliary Space": None,
                 "time_limit": "1 seconds", "date": "", "picture_num": "0", "memory_limit": "256 megabytes",
                 "Expected Time Complexity": None},
        "wrong": [
            {
                "completion": """n, m = map(int, input().split())
a = [list(map(int, input().split())) for _ in range(n)]
best_row = 0
best_col = 0
for i in range(n):
    best_row = max(best_row, sum(a[i]))
for j in range(m):
    best_col = max(best_col, sum(a[i][j] for i in range(n)))
print(best_row, best_col)
""",
                "exposed_by": "1 1\n-5\n",
                "why": "starts the maxima at 0: wrong when every row (or column) sum is negative",
            }
        ],
    },
    {
        "name": "common_prefix",
        "question": """Given n words, print their longest common prefix, or EMPTY if they have none.

-----Input-----
The first line contains n (1 ≤ n ≤ 100). Each of the next n lines contains a word of 1 to 100
lowercase letters.

-----Output-----
The prefix or EMPTY.
""",
        "solution": """n = int(input())
words = [input().strip() for _ in range(n)]
prefix = words[0]
for w in words[1:]:
    i = 0
    while i < len(prefix) and i < len(w) and prefix[i] == w[i]:
        i += 1
    prefix = prefix[:i]
    if not prefix:
        break
print(prefix if prefix else "EMPTY")
""",
        "inputs": ["3\nflight\nflow\nflower\n", "2\ndog\ncat\n"],
        "meta": {"difficulty": "EASY", "raw_tags": "['Strings']", "source": "geeksforgeeks",
                 "tags": "['String algorithms']", "skill_types": "[]", "url": "",
                 "Expected Auxiliary Space": "O(1)", "time_limit": "", "date": "", "picture_num": "0",
                 "memory_limit": "", "Expected Time Complexity": "O(n*|w|)"},
        "wrong": [
            {
                "completion": """n = int(input())
words = [input().strip() for _ in range(n)]
p = words[0]
if n > 1:
    q = words[1]
    i = 0
    while i < min(len(p), len(q)) and p[i] == q[i]:
        i += 1
    p = p[:i]
print(p if p else "EMPTY")
""",
                "exposed_by": "3\nabc\nabd\nxyz\n",
                "why": "compares only the first two words",
            }
        ],
    },
]

# ---------------------------------------------------------------- verl

VERL = [
    {
        "data_source": "codecontests",
        "content": """For each test case decide whether the sequence is strictly increasing (each element greater than
the one before it).

Input: the first line contains t (1 ≤ t ≤ 100). Each test case has a line with n (1 ≤ n ≤ 10^5)
and a line with n integers (-10^9 ≤ a_i ≤ 10^9).
Output: YES or NO for each test case.
""",
        "solution": """t = int(input())
for _ in range(t):
    n = int(input())
    a = list(map(int, input().split()))
    ok = all(a[i] < a[i + 1] for i in range(n - 1))
    print("YES" if ok else "NO")
""",
        "inputs": ["2\n3\n1 2 3\n3\n3 2 1\n"],
        "wrong": [
            {
                "completion": """```python
t = int(input())
for _ in range(t):
    n = int(input())
    a = list(map(int, input().split()))
    print("YES" if a == sorted(a) else "NO")
```
""",
                "exposed_by": "1\n2\n5 5\n",
                "why": "accepts equal neighbours: checks non-decreasing instead of strictly increasing",
            }
        ],
    },
    {
        "data_source": "taco",
        "content": """Print the last decimal digit of a^b.

Input: one line with a and b (1 ≤ a ≤ 10^9, 0 ≤ b ≤ 10^9).
Output: one digit.
""",
        "solution": """a, b = map(int, input().split())
print(pow(a, b, 10))
""",
        "inputs": ["2 10\n", "7 3\n"],
        "wrong": [
            {
                "completion": """a, b = map(int, input().split())
cycle = [pow(a % 10, k, 10) for k in range(1, 5)]
print(cycle[(b - 1) % 4])
""",
                "exposed_by": "2 0\n",
                "why": "mishandles b = 0: the cycle of last digits starts at a^1, so a^0 reads a^4's digit",
            }
        ],
    },
    {
        "data_source": "apps",
        "content": """Write a function count_pairs_with_diff(nums, k) that returns the number of index pairs i < j with
|nums[i] - nums[j]| = k.

Constraints: 1 ≤ len(nums) ≤ 1000, -10^9 ≤ nums[i] ≤ 10^9, 0 ≤ k ≤ 10^9.
""",
        "solution": """def count_pairs_with_diff(nums, k):
    count = 0
    for i in range(len(nums)):
        for j in range(i + 1, len(nums)):
            if abs(nums[i] - nums[j]) == k:
                count += 1
    return count
""",
        "fn_name": "count_pairs_with_diff",
        "inputs": [[[1, 5, 3, 4, 2], 2], [[10, 20], 5]],
        "wrong": [
            {
                "completion": """def count_pairs_with_diff(nums, k):
    s = set(nums)
    return sum(1 for x in s if x + k in s)
""",
                "exposed_by": [[1, 1, 2], 0],
                "why": "counts distinct values, not index pairs: wrong with repeated values (k = 0 counts each value with itself)",
            }
        ],
    },
]


def run_stdin(code, stdin):
    r = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=10)
    if r.returncode != 0:
        raise SystemExit(f"reference failed on {stdin!r}:\n{r.stderr}")
    return r.stdout


def call(code, fn_name, args):
    ns = {}
    exec(code, ns)
    return ns[fn_name](*args)


def write(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main():
    wrong = []

    def add_wrong(task_id, ws):
        for k, w in enumerate(ws):
            wrong.append({"task_id": str(task_id), "sample_id": f"wrong-{k}", "completion": w["completion"],
                          "exposed_by": w["exposed_by"], "why": w["why"]})

    rows = []
    for p in APPS:
        outs = [run_stdin(p["solution"], i) for i in p["inputs"]]
        rows.append({"problem_id": p["problem_id"], "question": p["question"], "starter_code": "",
                     "solutions": json.dumps([p["solution"]]),
                     "input_output": json.dumps({"inputs": p["inputs"], "outputs": outs}),
                     "difficulty": "introductory", "url": ""})
        add_wrong(p["problem_id"], p["wrong"])
    p = APPS_CALL
    outs = [[call(p["solution"], p["fn_name"], a)] for a in p["inputs"]]
    rows.append({"problem_id": p["problem_id"], "question": p["question"], "starter_code": p["starter_code"],
                 "solutions": json.dumps([p["solution"]]),
                 "input_output": json.dumps({"fn_name": p["fn_name"], "inputs": p["inputs"], "outputs": outs}),
                 "difficulty": "introductory", "url": ""})
    add_wrong(p["problem_id"], p["wrong"])
    write("apps.jsonl", rows)

    rows = []
    for p in CODECONTESTS:
        def tests(inputs):
            return {"input": inputs, "output": [run_stdin(p["python3"], i) for i in inputs]}
        langs, sols = [], []
        if "python2" in p:  # first, so a reader taking the first solution gets Python 2
            langs.append(1)
            sols.append(p["python2"])
        langs += [2, 3]
        sols += [p["cpp"], p["python3"]]
        row = {"name": p["name"], "description": p["description"],
               "public_tests": tests(p["public"]), "private_tests": tests(p["private"]),
               "generated_tests": tests(p["generated"])}
        row.update(p["meta"])
        row.update({"solutions": {"language": langs, "solution": sols},
                    "incorrect_solutions": {"language": [3] * len(p["wrong"]),
                                            "solution": [w["completion"] for w in p["wrong"]]},
                    "is_description_translated": False, "untranslated_description": "",
                    "time_limit": {"seconds": 1, "nanos": 0}, "memory_limit_bytes": 256000000,
                    "input_file": "", "output_file": ""})
        rows.append(row)
        add_wrong(p["name"], p["wrong"])
    write("codecontests.jsonl", rows)

    rows = []
    for p in TACO:
        outs = [run_stdin(p["solution"], i) for i in p["inputs"]]
        row = {"question": p["question"], "solutions": json.dumps([p["solution"]]), "starter_code": "",
               "input_output": json.dumps({"inputs": p["inputs"], "outputs": outs}), "name": p["name"]}
        row.update(p["meta"])
        rows.append(row)
        add_wrong(p["name"], p["wrong"])
    write("taco.jsonl", rows)

    rows = []
    for index, p in enumerate(VERL):
        if "fn_name" in p:
            gt = {"fn_name": p["fn_name"], "inputs": p["inputs"],
                  "outputs": [call(p["solution"], p["fn_name"], a) for a in p["inputs"]]}
            note = f"Write a Python 3 function {p['fn_name']}."
        else:
            gt = {"inputs": p["inputs"], "outputs": [run_stdin(p["solution"], i) for i in p["inputs"]]}
            note = STDIN_NOTE
        rows.append({"data_source": p["data_source"],
                     "prompt": [{"role": "user", "content": p["content"] + "\n" + note}],
                     "ability": "code",
                     "reward_model": {"style": "rule", "ground_truth": json.dumps(gt)},
                     "extra_info": {"split": "test", "index": index, "reference": p["solution"]}})
        add_wrong(index, p["wrong"])
    write("verl.jsonl", rows)

    write("wrong.jsonl", wrong)
    print(f"fixtures written; {len(wrong)} wrong solutions")


if __name__ == "__main__":
    main()
