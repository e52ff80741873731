// Package privacy holds Cubby's data inventory: a declaration, per database
// column, of what the value is, whose it is, why Cubby keeps it, on what
// legal basis, for how long, who else holds a copy, and what export and
// erasure do with it. The transparency page, the Art. 30 record, the
// self-service export, erasure and the retention job are all generated from
// it, so they cannot disagree with each other — and tests compare it with the
// live schema of both database engines, so it cannot disagree with the code.
//
// The inventory is YAML (inventory/<table>.yaml, one file per table) because
// the people who must review it — a school's data protection officer, a
// privacy-minded parent reading the source — should not need to read Go.
// Keys for data categories, data uses and data subjects come from the Fides
// taxonomy (taxonomy/, pinned and unchanged) plus Cubby's own extension
// (taxonomy/cubby.yaml), so the record speaks a vocabulary other tools know.
//
// A table file looks like this:
//
//	table: sessions
//	description: One row per login.
//	school_scoped: false              # true iff the table has school_id
//	subject_paths:                    # how a row reaches its person (users.id)
//	  - user_id -> users.id
//	columns:
//	  - name: user_id
//	    personal: false
//	    note: Internal key linking the session to its account.
//	  - name: browser
//	    personal: true
//	    data_type: browser_information        # a row of the transparency page
//	    category: user.device                 # data category key
//	    subjects: [student, guardian, teacher, school_leader]
//	    account_types: [teacher, parent, leader, student]
//	    visible_to: [self]                    # account types, or self; [] = no one
//	    collection:
//	      - {method: automatic, by: the browser's User-Agent header at login}
//	    data_use: essential.service.security  # data use key
//	    purpose: Lets a person recognise their own logins and end strange ones.
//	    legal_basis: A6-1-e                   # DPV code of GDPR Art. 6(1)(a)–(f)
//	    retention: {duration: P1D, trigger: session_ended, action: delete}
//	    recipients: [primary_db, backups]
//	    export: true
//	    erase: delete
//
// legal_basis is the default for the deployment Cubby is built for, a school
// or district running it as part of its public task; a deployment on another
// basis will override it in its own settings, never by editing the inventory.
package privacy
