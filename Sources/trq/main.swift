print("trq")
