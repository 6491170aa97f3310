module github.com/mpgs-rs/mpgs/bindings/go

go 1.19
