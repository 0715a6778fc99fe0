package store

import "fmt"

// queries are the statements of one table. Nothing but the table name is
// ever formatted into them; every value is a parameter.
type queries struct {
	// fingerprint is one row that changes whenever a row is added, deleted
	// or gets a new updated_at: the row count and a sum of per-row hashes
	// of (id, updated_at), computed by the server.
	fingerprint string
	versions    string // id and updated_at of every row
	exists      string // whether the table has a row
	list        string // every row, its content only when under $1 bytes
	one         string // one row ($1), its content only when under $2 bytes
	lock        string // rows $1 as they are now, locked until the commit
	setString   string // member $2 of row $1 := the string $3
	setJSON     string // member $2 of row $1 := the JSON $3
	remove      string // member $2 of row $1 removed
	previewStr  string // setString, computed and not written
	previewJSON string
	previewDel  string
}

func newQueries(table string) queries {
	// OFFSET 0 keeps the subquery from being inlined, so each content is
	// turned into text once, not once per use.
	const rows = `(SELECT id, updated_at, content::text AS c FROM %s OFFSET 0) AS r`
	const row = `(SELECT updated_at, content::text AS c FROM %s WHERE id = $1 OFFSET 0) AS r`
	const sized = `octet_length(c), CASE WHEN octet_length(c) <= $%d THEN c END`
	const set = `jsonb_set(content, ARRAY[$2::text], to_jsonb($3::text))`
	const setJSON = `jsonb_set(content, ARRAY[$2::text], $3::jsonb)`
	const remove = `content - $2::text`
	update := func(expr string) string {
		return fmt.Sprintf(`UPDATE %s SET content = %s, updated_at = NOW() WHERE id = $1 RETURNING content::text, updated_at`, table, expr)
	}
	preview := func(expr string) string {
		return fmt.Sprintf(`SELECT (%s)::text, NOW() FROM %s WHERE id = $1`, expr, table)
	}
	return queries{
		fingerprint: fmt.Sprintf(`SELECT count(*), coalesce(sum(hashtextextended(id, (extract(epoch FROM updated_at) * 1000000)::bigint)), 0)::text FROM %s`, table),
		versions:    fmt.Sprintf(`SELECT id, updated_at FROM %s`, table),
		exists:      fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s)`, table),
		list:        fmt.Sprintf(`SELECT id, updated_at, `+fmt.Sprintf(sized, 1)+` FROM `+rows, table),
		one:         fmt.Sprintf(`SELECT updated_at, `+fmt.Sprintf(sized, 2)+` FROM `+row, table),
		lock:        fmt.Sprintf(`SELECT id, updated_at, content::text FROM %s WHERE id = ANY($1) FOR UPDATE`, table),
		setString:   update(set),
		setJSON:     update(setJSON),
		remove:      update(remove),
		previewStr:  preview(set),
		previewJSON: preview(setJSON),
		previewDel:  preview(remove),
	}
}
