package auth

import "syscall"

func statTimes(st *syscall.Stat_t) (sec, nsec int64) {
	return int64(st.Mtimespec.Sec), int64(st.Mtimespec.Nsec)
}
