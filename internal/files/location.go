package files

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Location is where a server keeps its files: a folder or a bucket.
type Location struct {
	Dir string    // a folder on this server's disk
	S3  *S3Config // or a bucket of an S3-compatible object store
}

// S3Config names a bucket and the keys to it.
type S3Config struct {
	Endpoint string // host or host:port
	Secure   bool   // HTTPS (tls=true, the default)
	Region   string // empty: the client asks the server
	Bucket   string
	// Prefix is a folder inside the bucket ("" or ending in "/"), so a
	// bucket can be shared with other things.
	Prefix               string
	AccessKey, SecretKey string
}

// String is the URL without the keys: safe to log and to show.
func (c S3Config) String() string {
	u := url.URL{Scheme: "s3", Host: c.Endpoint, Path: strings.TrimSuffix("/"+c.Bucket+"/"+c.Prefix, "/")}
	q := url.Values{}
	if c.Region != "" {
		q.Set("region", c.Region)
	}
	if !c.Secure {
		q.Set("tls", "false")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Where is the folder, or the bucket's URL without its keys.
func (l Location) Where() string {
	if l.S3 != nil {
		return l.S3.String()
	}
	return l.Dir
}

// The form of CUBBY_FILES_URL, for messages.
const urlForm = "s3://host:port/bucket[/prefix][?region=…&tls=false] (keys in CUBBY_FILES_ACCESS_KEY and CUBBY_FILES_SECRET_KEY, or s3://ACCESS:SECRET@host/bucket) or file:///absolute/folder"

// bucketName is S3's rule for bucket names (lower case, digits, dots and
// hyphens, 3 to 63 characters, starting and ending with a letter or digit).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ParseURL reads CUBBY_FILES_URL and the keys given beside it. Empty
// means the folder "files" in dataDir. Messages name the variables and
// never repeat a key or the URL that may hold one.
func ParseURL(raw, accessKey, secretKey, dataDir string) (Location, error) {
	if raw == "" {
		if accessKey != "" || secretKey != "" {
			return Location{}, errors.New("CUBBY_FILES_ACCESS_KEY or CUBBY_FILES_SECRET_KEY is set but CUBBY_FILES_URL is not an s3:// URL; files are kept in CUBBY_DATA_DIR/files")
		}
		return Location{Dir: filepath.Join(dataDir, "files")}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error repeats the URL, and with it the secret.
		return Location{}, fmt.Errorf("CUBBY_FILES_URL is not a URL of the form %s; characters such as / @ : %% in a key must be percent-encoded (%%2F %%40 %%3A %%25), or give the keys in CUBBY_FILES_ACCESS_KEY and CUBBY_FILES_SECRET_KEY", urlForm)
	}
	switch u.Scheme {
	case "file":
		if accessKey != "" || secretKey != "" {
			return Location{}, errors.New("CUBBY_FILES_ACCESS_KEY or CUBBY_FILES_SECRET_KEY is set but CUBBY_FILES_URL is a folder (file://), which needs no keys")
		}
		if (u.Host != "" && u.Host != "localhost") || !path.IsAbs(u.Path) || u.RawQuery != "" {
			return Location{}, fmt.Errorf("CUBBY_FILES_URL %q: a folder is written file:///absolute/path", u.Redacted())
		}
		return Location{Dir: filepath.FromSlash(path.Clean(u.Path))}, nil
	case "s3":
		c, err := parseS3(u, accessKey, secretKey)
		if err != nil {
			return Location{}, err
		}
		return Location{S3: c}, nil
	}
	return Location{}, fmt.Errorf("CUBBY_FILES_URL must be %s, or empty to keep files in CUBBY_DATA_DIR/files", urlForm)
}

func parseS3(u *url.URL, accessKey, secretKey string) (*S3Config, error) {
	where := u.Redacted()
	if u.User != nil {
		where = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: u.RawQuery}).String()
	}
	c := &S3Config{Endpoint: u.Host, Secure: true}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("CUBBY_FILES_URL %q has no host: write %s", where, urlForm)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("CUBBY_FILES_URL %q: the port must be a number from 1 to 65535", where)
		}
	}
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if !bucketName.MatchString(bucket) || strings.Contains(bucket, "..") {
		return nil, fmt.Errorf("CUBBY_FILES_URL %q: %q is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens, after the host: s3://host/bucket)", where, bucket)
	}
	c.Bucket = bucket
	if prefix = strings.TrimSuffix(prefix, "/"); prefix != "" {
		if checkKey(prefix) != nil {
			return nil, fmt.Errorf("CUBBY_FILES_URL %q: the folder after the bucket must be a plain path such as cubby/files", where)
		}
		c.Prefix = prefix + "/"
	}
	for k, vs := range u.Query() {
		v := vs[len(vs)-1]
		switch k {
		case "region":
			c.Region = v
		case "tls":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("CUBBY_FILES_URL %q: tls= must be true (HTTPS, the default) or false (plain HTTP)", where)
			}
			c.Secure = b
		default:
			return nil, fmt.Errorf("CUBBY_FILES_URL %q: unknown setting %q (known: region, tls)", where, k)
		}
	}
	if u.User != nil {
		if accessKey != "" || secretKey != "" {
			return nil, errors.New("CUBBY_FILES_URL holds keys and CUBBY_FILES_ACCESS_KEY or CUBBY_FILES_SECRET_KEY is set too: give the keys in one place")
		}
		accessKey = u.User.Username()
		secretKey, _ = u.User.Password()
	}
	if accessKey == "" || secretKey == "" {
		return nil, fmt.Errorf("CUBBY_FILES_URL %q needs an access key and a secret key: set CUBBY_FILES_ACCESS_KEY and CUBBY_FILES_SECRET_KEY (or write s3://ACCESS:SECRET@host/bucket)", where)
	}
	c.AccessKey, c.SecretKey = accessKey, secretKey
	return c, nil
}
