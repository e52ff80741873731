package app

import (
	"crypto/rand"
	"math/big"
	"strconv"
)

// kidWords are short, friendly, easy-to-spell words for generated student
// passwords ("tiger-maple-42"): a child can type it, a teacher can read it
// aloud, and three parts give about 30 bits against online guessing, which
// login throttling caps.
var kidWords = []string{
	"apple", "bear", "berry", "bird", "boat", "cloud", "comet", "cookie", "coral", "daisy",
	"dolphin", "dragon", "eagle", "fern", "fox", "frog", "garden", "ginger", "hippo", "honey",
	"island", "jelly", "kite", "koala", "lemon", "lion", "mango", "maple", "meadow", "moon",
	"otter", "owl", "panda", "peach", "pebble", "penguin", "pepper", "pickle", "planet", "pony",
	"puffin", "rabbit", "rainbow", "river", "robin", "rocket", "seal", "shell", "snail", "star",
	"sunny", "tiger", "tulip", "turtle", "violet", "walrus", "whale", "willow", "zebra", "zigzag",
}

func randInt(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}

// kidPassword generates a password a young student can type.
func kidPassword() string {
	return kidWords[randInt(len(kidWords))] + "-" + kidWords[randInt(len(kidWords))] + "-" + strconv.Itoa(10+randInt(90))
}
