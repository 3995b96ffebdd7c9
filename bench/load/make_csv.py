#!/usr/bin/env python3
"""Writes N deterministic trainee rows as kakehashi import CSV: make_csv.py N > file.csv"""
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
rng = random.Random(42)
skills = ["python", "sql", "git", "linux", "ml", "java", "javascript", "c++", "pytorch", "tensorflow",
          "docker", "computer vision", "data analysis", "aws", "react", "forecasting", "mlops", "k8s"]
jlpt = ["none", "N5", "N5", "N4", "N4", "N3", "N2"]
cefr = ["A2", "B1", "B1", "B2", "C1"]
print("full_name,email,country,city,timezone,program,skills,japanese,english,available_from,"
      "hours_per_week,rate_amount,rate_currency,domains,engagement,consent_matching,consent_share_abroad")
for i in range(n):
    picked = rng.sample(skills, rng.randint(2, 6))
    sk = ";".join(f"{s}:{rng.randint(1, 5)}:{rng.randint(0, 60) / 10}" for s in picked)
    print(f"\"Trainee {i}\",trainee{i}@example.com,BD,Dhaka,Asia/Dhaka,\"Cohort 2026, batch {i % 40}\","
          f"{sk},{rng.choice(jlpt)},{rng.choice(cefr)},2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},"
          f"{rng.choice([20, 30, 40])},{rng.randint(800, 3000)},USD,manufacturing;automotive,offshore,true,true")
