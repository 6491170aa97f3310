module example.com/mpgs

go 1.19
