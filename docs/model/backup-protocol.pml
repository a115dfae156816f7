/*
 * The epoch, quorum-write, erase and resync protocol of docs/backup-protocol.md, for one bucket
 * kept by R replicas, written for Spin. docs/model/README.md says what is modelled, what is
 * abstracted away, how to run it and how big each configuration is.
 *
 * Actors: NACT activations of the bucket (any of them may become a zombie), R replicas, and one
 * link per (activation, replica) pair. Each delivery is its own step, so messages are delayed and
 * reordered freely; a message may also never arrive, and an activation whose open attempt times
 * out drops the requests still in flight. A replica that crashes with its disk intact is one whose
 * messages are late or never arrive (it answers only what is durable), and an activation that
 * crashes is one that takes no more steps: Spin explores both without an explicit crash. A wipe
 * (a replica losing its disk) is explicit, and so is the resync after it.
 *
 * The four promises of the page are asserted; the hidden P1_... P4_... names in the assertions
 * say which one Spin found broken. P3 and P4 are checked when an activation rehydrates, and after
 * every step for the state any majority would hand a new activation (the highest (w, s) in it).
 *
 * Without switches the model is the page's protocol with the three rules the model showed it
 * needs (README, "Findings"): a new activation sends a snapshot to every replica whose grant did
 * not answer exactly the (w, s) it rehydrated from (as EpochElection does), and a wiped replica
 * waits out what it answered before the wipe, then reads R-Q+1 other replicas. Switches:
 *   PAGE_BATCH           the activation takes every replica to hold its base, as the page allows
 *   REPLICA_BASE_CHECK   the same, but a replica accepts a batch only on the base it names: the
 *                        other fix of PAGE_BATCH
 *   PAGE_RESYNC          a wiped replica copies p and the state from one peer, as the page says
 *   RESYNC_NOWAIT        it reads R-Q+1 peers but does not wait out its earlier answers
 *   BROKEN_GRANT_GE      a replica grants E when E >= p_r (instead of E > p_r)
 *   BROKEN_REHYDRATE_ONE the activation rehydrates from the first replica that granted E
 *   BROKEN_WIPED_COUNTS  a wiped replica answers at once, with its empty state
 *   LITERAL_P2           promise 2 checked as the page words it
 * Sizes: R, NACT, WRITES (each activation's writes), WRITES_LAST (the last one's), ERASES,
 * WIPES, MAXATT (attempts of one open); SEQ_START opens activation i+1 only once activation i
 * holds an epoch or gave up (races of opens are then left to the NACT = 2 configurations).
 */

#ifndef R
#define R 3
#endif
#ifndef NACT
#define NACT 2
#endif
#ifndef WRITES
#define WRITES 1
#endif
#ifndef ERASES
#define ERASES 1
#endif
#ifndef WIPES
#define WIPES 1
#endif
#ifndef MAXATT
#define MAXATT 2
#endif

#define Q (R / 2 + 1)
#ifndef W
#define W Q
#endif
#define MAXID (NACT * WRITES)
#define MAXS (MAXID + ERASES)          /* every change number is made by one write or one erase */
#define NS (MAXS + 1)
#define MAXE ((NACT + ERASES) * MAXATT + 1)
#define PEERS (R - Q + 1)              /* replicas a wiped replica reads: meets every W-set and every majority without it */

#define EMPTY 255                      /* Open(b, E) with E empty */
#define MARK 100                       /* the erase's own line: no value */

#define IDLE 0
#define OPENING 1
#define HOLDING 2
#define DONE 3

#define GRANT 1
#define REFUSE 2

#define INC 1
#define SNAP 2
#define STORED 1
#define STALE 2
#define CONFLICT 3                     /* Conflict or Gap: the grain sends a snapshot */

#define AR(a, r) ((a) * R + (r))

#ifdef BROKEN_REHYDRATE_ONE
#define HIGHER(ww, ss) 0
#else
#define HIGHER(ww, ss) ((ww) > hBestW || ((ww) == hBestW && (ss) > hBestS))
#endif
#if defined(PAGE_BATCH) || defined(REPLICA_BASE_CHECK)
#define HOLDS_BASE(rr) 1                /* the grain takes every replica to hold its base */
#else
#define HOLDS_BASE(rr) (ok[AR(aa, rr)] == GRANT && oe[AR(aa, rr)] == hg && ow[AR(aa, rr)] == hBestW && os[AR(aa, rr)] == hBestS)
#endif

#ifdef SEQ_START
#define STARTED(b) (ph[b] == HOLDING || ph[b] == DONE)   /* an activation opens once the one before holds or gave up */
#else
#define STARTED(b) (ph[b] != IDLE)
#endif
#ifndef WRITES_LAST
#define WRITES_LAST WRITES
#endif

#ifdef RESYNC_NOWAIT
#define WAITED_OUT 1
#else
#define WAITED_OUT (oldN == 0)
#endif

/* Replicas: p_r, (w_r, s_r), the stored lines (a change id per number, 0 for none). */
byte p[R];
byte w[R];
byte s[R];
byte line[R * NS];
bit wiped[R];
byte wipesLeft = WIPES;

/* Activations. */
byte ph[NACT];
bit erasing[NACT];                     /* the open in progress wins the erase's epoch */
byte tryE[NACT];
byte att[NACT];
byte E[NACT];                          /* the epoch held */
byte rehyd[NACT];                      /* the epoch at which it rehydrated (0: none, or erased since) */
byte S[NACT];
byte alog[NACT * NS];                  /* its state: lines 1..S */
byte bw0[NACT];                        /* the base it rehydrated from (or its erase) */
byte bs0[NACT];
byte pos[NACT * R];                    /* last change each replica confirmed to it */
bit owed[NACT * R];                    /* a snapshot is owed to the replica */
byte wleft[NACT];
byte eraseSeq[NACT];                   /* its erase awaiting a majority (0: none) */
byte erasesLeft = ERASES;

/* Changes and what the clients were told. */
byte nextId = 1;
byte idEp[MAXID + 1];
bit acked[MAXID + 1];
byte eraseIssued;
byte eraseAcked;
int heldMask;                          /* bit E set: some activation held epoch E */

/* Links: one open and one batch slot per (activation, replica). */
byte oq[NACT * R];                     /* open request: 0 none, EMPTY or the epoch asked */
byte ok[NACT * R];                     /* its answer: 0 none, GRANT, REFUSE */
byte oe[NACT * R];                     /* granted epoch, or the refusing replica's p */
byte ow[NACT * R];
byte os[NACT * R];
byte ol[NACT * R * NS];                /* the state that came with the grant */
byte bq[NACT * R];                     /* batch request: 0 none, INC, SNAP */
byte be[NACT * R];
byte bf[NACT * R];
byte bl[NACT * R];
byte bbw[NACT * R];                    /* the base the batch builds on */
byte bbs[NACT * R];
byte bd[NACT * R * NS];
byte bk[NACT * R];                     /* batch answer: 0 none, STORED, STALE, CONFLICT */
byte ba[NACT * R];
bit oldB[NACT * R];                    /* batch in flight when a replica was wiped */
bit oldAtt[NACT];                      /* open attempt in progress when a replica was wiped */
byte oldN;                             /* how many of those are still set */

hidden byte hi, hj, hk, hm, ht, hg, hx, hCnt, hBestW, hBestS, hBestR, hFound;

inline clearOld(idx) {
  if :: oldB[idx] -> oldB[idx] = 0; oldN-- :: else -> skip fi
}

/* Always 0: each names, in the assertion Spin prints, the promise that failed. */
hidden byte P1_two_activations_hold_the_same_epoch, P2_a_zombie_write_acknowledged_that_a_newer_activation_lacks, P2_as_worded_a_write_acknowledged_after_a_newer_epoch_was_held, P3_a_later_activation_rehydrated_without_an_acknowledged_write, P3_a_majority_would_rehydrate_without_an_acknowledged_write, P4_a_later_activation_rehydrated_an_erased_value, P4_a_majority_would_rehydrate_an_erased_value, P4_an_erase_acknowledged_after_a_newer_activation_rehydrated_its_values;

/* ---- checks ---- */

/* hFound := 1 if line id y is among replica rr's lines */
inline replicaHas(rr, y) {
  hFound = 0;
  hk = 1;
  do
  :: hk <= MAXS -> if :: line[rr * NS + hk] == y -> hFound = 1 :: else -> skip fi; hk++
  :: else -> break
  od
}

/* hFound := 1 if id y is in activation aa's base (lines 1..bs0) */
inline baseHas(aa, y) {
  hFound = 0;
  hk = 1;
  do
  :: hk <= bs0[aa] -> if :: alog[aa * NS + hk] == y -> hFound = 1 :: else -> skip fi; hk++
  :: else -> break
  od
}

/* P3 and P4 for the state replica rr would hand a new activation. */
inline checkReplicaState(rr) {
  hx = 1;
  do
  :: hx < nextId ->
     if
     :: acked[hx] && eraseIssued <= idEp[hx] ->
        replicaHas(rr, hx);
        assert(hFound || P3_a_majority_would_rehydrate_without_an_acknowledged_write)
     :: else -> skip
     fi;
     hx++
  :: else -> break
  od;
  if
  :: eraseAcked > 0 ->
     ht = 1;
     do
     :: ht <= MAXS ->
        hx = line[rr * NS + ht];
        assert(hx == 0 || hx == MARK || idEp[hx] >= eraseAcked || P4_a_majority_would_rehydrate_an_erased_value);
        ht++
     :: else -> break
     od
  :: else -> skip
  fi
}

/* Every majority of counting replicas: the highest (w, s) among it, and every replica tied there. */
inline checkMajorities() {
  hm = 1;
  do
  :: hm < (1 << R) ->
     hCnt = 0; hBestW = 0; hBestS = 0; hj = 0;
     do
     :: hj < R ->
        if
        :: (hm & (1 << hj)) && !wiped[hj] ->
           hCnt++;
           if
           :: w[hj] > hBestW || (w[hj] == hBestW && s[hj] > hBestS) -> hBestW = w[hj]; hBestS = s[hj]
           :: else -> skip
           fi
        :: (hm & (1 << hj)) && wiped[hj] -> hCnt = 0; hj = R   /* a wiped replica counts for no majority */
        :: else -> skip
        fi;
        hj++
     :: else -> break
     od;
     if
     :: hCnt >= Q ->
        hj = 0;
        do
        :: hj < R ->
           if
           :: (hm & (1 << hj)) && w[hj] == hBestW && s[hj] == hBestS -> checkReplicaState(hj)
           :: else -> skip
           fi;
           hj++
        :: else -> break
        od
     :: else -> skip
     fi;
     hm++
  :: else -> break
  od
}

/* Activation aa just rehydrated at epoch E[aa]. */
inline checkRehydration(aa) {
  hx = 1;
  do
  :: hx < nextId ->
     if
     :: acked[hx] && idEp[hx] < E[aa] && !(eraseIssued > idEp[hx] && eraseIssued < E[aa]) ->
        baseHas(aa, hx);
        assert(hFound || P3_a_later_activation_rehydrated_without_an_acknowledged_write)
     :: else -> skip
     fi;
     if
     :: eraseAcked > 0 && eraseAcked < E[aa] && idEp[hx] < eraseAcked ->
        baseHas(aa, hx);
        assert(!hFound || P4_a_later_activation_rehydrated_an_erased_value)
     :: else -> skip
     fi;
     hx++
  :: else -> break
  od
}

/* Write y was just acknowledged at epoch ee. */
inline checkAck(y, ee) {
#ifdef LITERAL_P2
  assert((heldMask >> (ee + 1)) == 0 || P2_as_worded_a_write_acknowledged_after_a_newer_epoch_was_held);
#endif
  ht = 0;
  do
  :: ht < NACT ->
     if
     :: rehyd[ht] > ee && !(eraseIssued > ee && eraseIssued < rehyd[ht]) ->
        baseHas(ht, y);
        assert(hFound || P2_a_zombie_write_acknowledged_that_a_newer_activation_lacks)
     :: else -> skip
     fi;
     ht++
  :: else -> break
  od
}

/* ---- activations ---- */

inline sendOpens(aa) {
  hj = 0;
  do
  :: hj < R ->
     oq[AR(aa, hj)] = tryE[aa]; ok[AR(aa, hj)] = 0; oe[AR(aa, hj)] = 0; ow[AR(aa, hj)] = 0; os[AR(aa, hj)] = 0;
     hk = 0;
     do
     :: hk < NS -> ol[AR(aa, hj) * NS + hk] = 0; hk++
     :: else -> break
     od;
     hj++
  :: else -> break
  od
}

inline endAttempt(aa) {
  hj = 0;
  do
  :: hj < R ->
     oq[AR(aa, hj)] = 0; ok[AR(aa, hj)] = 0; oe[AR(aa, hj)] = 0; ow[AR(aa, hj)] = 0; os[AR(aa, hj)] = 0;
     hk = 0;
     do
     :: hk < NS -> ol[AR(aa, hj) * NS + hk] = 0; hk++
     :: else -> break
     od;
     hj++
  :: else -> break
  od;
  if :: oldAtt[aa] -> oldAtt[aa] = 0; oldN-- :: else -> skip fi;
  tryE[aa] = 0
}

/* hg := an epoch granted by a majority in this attempt (0: none) */
inline majorityGrant(aa) {
  hg = 0;
  hi = 0;
  do
  :: hi < R && hg == 0 ->
     if
     :: ok[AR(aa, hi)] == GRANT ->
        hCnt = 0;
        hj = 0;
        do
        :: hj < R -> if :: ok[AR(aa, hj)] == GRANT && oe[AR(aa, hj)] == oe[AR(aa, hi)] -> hCnt++ :: else -> skip fi; hj++
        :: else -> break
        od;
        if :: hCnt >= Q -> hg = oe[AR(aa, hi)] :: else -> skip fi
     :: else -> skip
     fi;
     hi++
  :: else -> break
  od
}

inline pushAll(aa) {
  hj = 0;
  do
  :: hj < R ->
     if
     :: bq[AR(aa, hj)] == 0 && bk[AR(aa, hj)] == 0 && (owed[AR(aa, hj)] || pos[AR(aa, hj)] < S[aa]) ->
        be[AR(aa, hj)] = E[aa];
        bbw[AR(aa, hj)] = bw0[aa];
        bbs[AR(aa, hj)] = bs0[aa];
        bl[AR(aa, hj)] = S[aa];
        if
        :: owed[AR(aa, hj)] -> bq[AR(aa, hj)] = SNAP; bf[AR(aa, hj)] = 1
        :: else -> bq[AR(aa, hj)] = INC; bf[AR(aa, hj)] = pos[AR(aa, hj)] + 1
        fi;
        hk = 0;
        do
        :: hk < NS -> bd[AR(aa, hj) * NS + hk] = alog[aa * NS + hk]; hk++
        :: else -> break
        od
     :: else -> skip
     fi;
     hj++
  :: else -> break
  od
}

/* After a confirmation: acknowledge every own write now stored by W replicas, and the erase by Q. */
inline acknowledge(aa) {
  hi = bs0[aa] + 1;
  do
  :: hi <= S[aa] ->
     hx = alog[aa * NS + hi];
     if
     :: hx != 0 && hx != MARK && !acked[hx] && idEp[hx] == E[aa] ->
        hCnt = 0;
        hj = 0;
        do
        :: hj < R -> if :: pos[AR(aa, hj)] >= hi -> hCnt++ :: else -> skip fi; hj++
        :: else -> break
        od;
        if
        :: hCnt >= W ->
           printf("MSC: A%d acknowledges change %d to its client\n", aa, hx);
           acked[hx] = 1; checkAck(hx, E[aa])
        :: else -> skip
        fi
     :: else -> skip
     fi;
     hi++
  :: else -> break
  od;
  if
  :: eraseSeq[aa] > 0 ->
     hCnt = 0;
     hj = 0;
     do
     :: hj < R -> if :: pos[AR(aa, hj)] >= eraseSeq[aa] -> hCnt++ :: else -> skip fi; hj++
     :: else -> break
     od;
     if
     :: hCnt >= Q ->
        eraseAcked = E[aa];
        printf("MSC: A%d's erase at E=%d acknowledged\n", aa, E[aa]);
        eraseSeq[aa] = 0;
        ht = 0;
        do
        :: ht < NACT ->
           if
           :: rehyd[ht] > eraseAcked ->
              hx = 1;
              do
              :: hx < nextId ->
                 if
                 :: idEp[hx] < eraseAcked -> baseHas(ht, hx); assert(!hFound || P4_an_erase_acknowledged_after_a_newer_activation_rehydrated_its_values)
                 :: else -> skip
                 fi;
                 hx++
              :: else -> break
              od
           :: else -> skip
           fi;
           ht++
        :: else -> break
        od
     :: else -> skip
     fi
  :: else -> skip
  fi
}

/* The activation won epoch hg: rehydrate (or, for an erase, erase its state and owe every replica the erase). */
inline hold(aa) {
  assert((heldMask & (1 << hg)) == 0 || P1_two_activations_hold_the_same_epoch);
  heldMask = heldMask | (1 << hg);
  E[aa] = hg;
  if
  :: erasing[aa] ->
     hk = 1;
     do
     :: hk <= S[aa] -> alog[aa * NS + hk] = 0; hk++
     :: else -> break
     od;
     S[aa]++;
     alog[aa * NS + S[aa]] = MARK;
     eraseSeq[aa] = S[aa];
     bw0[aa] = hg; bs0[aa] = S[aa];
     rehyd[aa] = 0;
     eraseIssued = hg;
     printf("MSC: A%d holds E=%d for its erase\n", aa, hg);
     erasing[aa] = 0;
     hj = 0;
     do
     :: hj < R -> pos[AR(aa, hj)] = 0; owed[AR(aa, hj)] = 1; hj++
     :: else -> break
     od
  :: else ->
     /* the granter with the highest (w, s) */
     hBestR = R; hBestW = 0; hBestS = 0;
     hj = 0;
     do
     :: hj < R ->
        if
        :: ok[AR(aa, hj)] == GRANT && oe[AR(aa, hj)] == hg &&
           (hBestR == R || HIGHER(ow[AR(aa, hj)], os[AR(aa, hj)])) ->
           hBestR = hj; hBestW = ow[AR(aa, hj)]; hBestS = os[AR(aa, hj)]
        :: else -> skip
        fi;
        hj++
     :: else -> break
     od;
     hk = 0;
     do
     :: hk < NS -> alog[aa * NS + hk] = ol[AR(aa, hBestR) * NS + hk]; hk++
     :: else -> break
     od;
     S[aa] = hBestS; bw0[aa] = hBestW; bs0[aa] = hBestS;
     rehyd[aa] = hg;
     printf("MSC: A%d holds E=%d, rehydrates (w=%d, s=%d) from r%d\n", aa, hg, hBestW, hBestS, hBestR);
     /* a replica whose grant answered exactly the chosen (w, s) holds the base; every other one
        (behind, diverged, silent) is owed the state whole, as EpochElection's Holding does */
     hj = 0;
     do
     :: hj < R ->
        pos[AR(aa, hj)] = hBestS;
        owed[AR(aa, hj)] = (HOLDS_BASE(hj) -> 0 : 1);
        hj++
     :: else -> break
     od;
     checkRehydration(aa)
  fi;
  endAttempt(aa);
  att[aa] = 0;
  ph[aa] = HOLDING
}

proctype Activation(byte a) {
end:
  do
  /* activations are alike, so they start in index order: the other orders are the same runs renamed */
  :: d_step { ph[a] == IDLE && (a == 0 || STARTED(a - 1)) -> ph[a] = OPENING; att[a] = 1; tryE[a] = EMPTY; sendOpens(a); hj = 0; hk = 0 }
  :: d_step {
       ph[a] == OPENING -> majorityGrant(a);
       if
       :: hg > 0 -> hold(a)
       :: else ->
          /* no majority: on a timeout (any time after an answer) ask again above every answer; requests still in flight are lost */
          hCnt = 0; ht = 0;
          hj = 0;
          do
          :: hj < R ->
             if :: oq[AR(a, hj)] != 0 -> hCnt++ :: else -> skip fi;
             if :: ok[AR(a, hj)] != 0 && oe[AR(a, hj)] > ht -> ht = oe[AR(a, hj)] :: else -> skip fi;
             hj++
          :: else -> break
          od;
          if :: tryE[a] != EMPTY && tryE[a] > ht -> ht = tryE[a] :: else -> skip fi;
          if
          :: att[a] < MAXATT && ht + 1 <= MAXE && hCnt < R ->
             endAttempt(a); att[a]++; tryE[a] = ht + 1; sendOpens(a)
          :: else -> skip                          /* waits for more answers; past its attempts: 503 */
          fi
       fi;
       hg = 0; hi = 0; hj = 0; hk = 0; ht = 0; hCnt = 0; hBestR = 0; hBestW = 0; hBestS = 0; hx = 0; hFound = 0
     }
  :: d_step {
       ph[a] == HOLDING && !erasing[a] && wleft[a] > 0 && nextId <= MAXID && S[a] < MAXS ->
       wleft[a]--;
       idEp[nextId] = E[a];
       S[a]++;
       alog[a * NS + S[a]] = nextId;
       nextId++;
       printf("MSC: A%d writes change %d as number %d at E=%d\n", a, nextId - 1, S[a], E[a]);
       pushAll(a);
       hj = 0; hk = 0
     }
  :: d_step {
       ph[a] == HOLDING && erasesLeft > 0 && S[a] < MAXS ->
       erasesLeft--; erasing[a] = 1; ph[a] = OPENING; att[a] = 1; tryE[a] = EMPTY; sendOpens(a);
       hj = 0; hk = 0
     }
  :: d_step { ph[a] == HOLDING -> pushAll(a); hj = 0; hk = 0 }
  od
}

/* ---- replicas ---- */

/* For a trail: the change ids replica rr holds, by number. */
inline printLines(rr) {
  printf("MSC:   r%d holds changes", rr);
  hk = 1;
  do
  :: hk <= MAXS -> printf(" %d", line[rr * NS + hk]); hk++
  :: else -> break
  od;
  printf("\n")
}

/* Replica rr gets Open(tryE) from activation aa. */
inline deliverOpen(aa, rr, answer) {
  if
  :: oq[AR(aa, rr)] == EMPTY && p[rr] + 1 <= MAXE -> hg = p[rr] + 1
#ifdef BROKEN_GRANT_GE
  :: oq[AR(aa, rr)] != EMPTY && oq[AR(aa, rr)] >= p[rr] -> hg = oq[AR(aa, rr)]
#else
  :: oq[AR(aa, rr)] != EMPTY && oq[AR(aa, rr)] > p[rr] -> hg = oq[AR(aa, rr)]
#endif
  :: else -> hg = 0
  fi;
  if
  :: hg > 0 ->
     p[rr] = hg;
     printf("MSC: r%d grants E=%d to A%d, answering (w=%d, s=%d)\n", rr, hg, aa, w[rr], s[rr]);
     if
     :: answer ->
        ok[AR(aa, rr)] = GRANT; oe[AR(aa, rr)] = hg; ow[AR(aa, rr)] = w[rr]; os[AR(aa, rr)] = s[rr];
        hk = 0;
        do
        :: hk < NS -> ol[AR(aa, rr) * NS + hk] = line[rr * NS + hk]; hk++
        :: else -> break
        od
     :: else -> skip
     fi
  :: else ->
     printf("MSC: r%d refuses A%d's open (p=%d)\n", rr, aa, p[rr]);
     if :: answer -> ok[AR(aa, rr)] = REFUSE; oe[AR(aa, rr)] = p[rr] :: else -> skip fi
  fi;
  oq[AR(aa, rr)] = 0;
  hg = 0; hk = 0
}

/* Replica rr gets a batch (or snapshot) from activation aa. */
inline deliverBatch(aa, rr, answer) {
  hx = STORED;
  if
  :: be[AR(aa, rr)] < p[rr] ->
     printf("MSC: r%d refuses A%d's batch: StaleEpoch (E=%d < p=%d)\n", rr, aa, be[AR(aa, rr)], p[rr]);
     hx = STALE
  :: else ->
     p[rr] = be[AR(aa, rr)];
     if
     :: bq[AR(aa, rr)] == SNAP ->
        hk = 1;
        do
        :: hk <= MAXS -> line[rr * NS + hk] = (hk <= bl[AR(aa, rr)] -> bd[AR(aa, rr) * NS + hk] : 0); hk++
        :: else -> break
        od;
        s[rr] = bl[AR(aa, rr)]; w[rr] = be[AR(aa, rr)]
        printf("MSC: r%d stores A%d's snapshot at E=%d: (w=%d, s=%d)\n", rr, aa, be[AR(aa, rr)], w[rr], s[rr]);
     :: else ->
#ifdef REPLICA_BASE_CHECK
        /* the base check: the replica's last change is this epoch's, or the base this epoch rehydrated from */
        if
        :: w[rr] != be[AR(aa, rr)] && !(w[rr] == bbw[AR(aa, rr)] && s[rr] == bbs[AR(aa, rr)]) -> hx = CONFLICT
        :: else -> skip
        fi;
#endif
        /* lines at or below the stored last change must be the stored ones */
        hk = bf[AR(aa, rr)];
        do
        :: hx == STORED && hk <= bl[AR(aa, rr)] && hk <= s[rr] ->
           if :: line[rr * NS + hk] != bd[AR(aa, rr) * NS + hk] -> hx = CONFLICT :: else -> skip fi; hk++
        :: else -> break
        od;
        if
        :: hx == STORED && bf[AR(aa, rr)] > s[rr] + 1 -> hx = CONFLICT       /* Gap */
        :: hx == STORED && bl[AR(aa, rr)] > s[rr] ->
           printf("MSC: r%d stores numbers %d..%d of A%d at E=%d (it had w=%d, s=%d)\n", rr, s[rr] + 1, bl[AR(aa, rr)], aa, be[AR(aa, rr)], w[rr], s[rr]);
           hk = s[rr] + 1;
           do
           :: hk <= bl[AR(aa, rr)] -> line[rr * NS + hk] = bd[AR(aa, rr) * NS + hk]; hk++
           :: else -> break
           od;
           s[rr] = bl[AR(aa, rr)]; w[rr] = be[AR(aa, rr)]

        :: else -> skip
        fi
     fi
  fi;
  if
  :: hx == CONFLICT -> printf("MSC: r%d answers A%d Conflict or Gap (its w=%d, s=%d)\n", rr, aa, w[rr], s[rr])
  :: hx == STORED -> printLines(rr)
  :: else -> skip
  fi;
  if
  :: answer -> bk[AR(aa, rr)] = hx; ba[AR(aa, rr)] = s[rr]
  :: else -> skip
  fi;
  bq[AR(aa, rr)] = 0;
  hx = 0; hk = 0
}

/* What a deactivated activation leaves: its base, for the checks; requests in flight stay in flight. */
inline deactivate(aa) {
  ph[aa] = DONE; wleft[aa] = 0; eraseSeq[aa] = 0;
  ht = 0;
  do
  :: ht < R -> pos[AR(aa, ht)] = 0; owed[AR(aa, ht)] = 0; ht++
  :: else -> break
  od;
  ht = bs0[aa] + 1;
  do
  :: ht <= MAXS -> alog[aa * NS + ht] = 0; ht++
  :: else -> break
  od;
  S[aa] = 0
}

/* Activation aa reads replica rr's answer to its batch. */
inline consumeBatchAnswer(aa, rr) {
  if
  :: ph[aa] == HOLDING && be[AR(aa, rr)] == E[aa] ->
     if
     :: bk[AR(aa, rr)] == STORED ->
        if :: ba[AR(aa, rr)] > pos[AR(aa, rr)] -> pos[AR(aa, rr)] = ba[AR(aa, rr)] :: else -> skip fi;
        if :: ba[AR(aa, rr)] >= S[aa] -> owed[AR(aa, rr)] = 0 :: else -> skip fi;
        acknowledge(aa)
     :: bk[AR(aa, rr)] == CONFLICT -> owed[AR(aa, rr)] = 1
     :: bk[AR(aa, rr)] == STALE -> deactivate(aa)        /* a newer activation exists */
     fi
  :: else -> skip
  fi;
  bk[AR(aa, rr)] = 0; ba[AR(aa, rr)] = 0;
  clearOld(AR(aa, rr));
  hi = 0; hj = 0; hk = 0; ht = 0; hx = 0; hCnt = 0; hFound = 0
}

/* After every change of a replica's state or of what the clients were told. */
inline monitor() {
  checkMajorities();
  hi = 0; hj = 0; hk = 0; hm = 0; ht = 0; hx = 0; hCnt = 0; hBestW = 0; hBestS = 0; hFound = 0
}

proctype Link(byte a; byte r) {
end:
  do
  :: d_step { oq[AR(a, r)] != 0 && !wiped[r] -> deliverOpen(a, r, 1) }
  /* a batch's answer is read as it arrives: a late answer is a late delivery */
  :: d_step { bq[AR(a, r)] != 0 && !wiped[r] -> deliverBatch(a, r, 1); consumeBatchAnswer(a, r); monitor() }
  /* a wiped replica drops what it gets until it has resynced */
  :: d_step { oq[AR(a, r)] != 0 && wiped[r] -> oq[AR(a, r)] = 0 }
  :: d_step { bq[AR(a, r)] != 0 && wiped[r] -> bq[AR(a, r)] = 0; clearOld(AR(a, r)) }
  od
}

/* rr copies p and the state from replica src: the highest p, and the highest (w, s) so far. */
inline readPeer(rr, src) {
  if :: p[src] > p[rr] -> p[rr] = p[src] :: else -> skip fi;
  if
  :: w[src] > w[rr] || (w[src] == w[rr] && s[src] > s[rr]) ->
     w[rr] = w[src]; s[rr] = s[src];
     hk = 0;
     do
     :: hk < NS -> line[rr * NS + hk] = line[src * NS + hk]; hk++
     :: else -> break
     od
  :: else -> skip
  fi
}

proctype Replica(byte r) {
end:
  do
  :: d_step {
       /* replicas are alike, so the wiped one is replica 0 */
       wipesLeft > 0 && R > 1 && r == 0 ->
       wipesLeft--;
       printf("MSC: r%d loses its disk\n", r);
       p[r] = 0; w[r] = 0; s[r] = 0;
       hk = 0;
       do
       :: hk < NS -> line[r * NS + hk] = 0; hk++
       :: else -> break
       od;
#ifndef BROKEN_WIPED_COUNTS
       wiped[r] = 1;
#endif
       /* what was in flight when the disk went: the fixed resync waits it out */
       hi = 0;
       do
       :: hi < NACT * R -> oldB[hi] = (bq[hi] != 0); oldN = oldN + oldB[hi]; hi++
       :: else -> break
       od;
       hi = 0;
       do
       :: hi < NACT -> oldAtt[hi] = (ph[hi] == OPENING); oldN = oldN + oldAtt[hi]; hi++
       :: else -> break
       od;
       hi = 0; hk = 0;
       monitor()
     }
#ifdef PAGE_RESYNC
  /* the page: copy the bucket from one peer replica, verified against that peer */
  :: d_step {
       wiped[r] && !wiped[(r + 1) % R] ->
       p[r] = p[(r + 1) % R]; w[r] = w[(r + 1) % R]; s[r] = s[(r + 1) % R];
       hk = 0;
       do
       :: hk < NS -> line[r * NS + hk] = line[((r + 1) % R) * NS + hk]; hk++
       :: else -> break
       od;
       wiped[r] = 0; hk = 0;
       printf("MSC: r%d resynced from r%d: p=%d (w=%d, s=%d)\n", r, (r + 1) % R, p[r], w[r], s[r]);
       monitor()
     }
  :: d_step {
       R > 2 && wiped[r] && !wiped[(r + 2) % R] ->
       p[r] = p[(r + 2) % R]; w[r] = w[(r + 2) % R]; s[r] = s[(r + 2) % R];
       hk = 0;
       do
       :: hk < NS -> line[r * NS + hk] = line[((r + 2) % R) * NS + hk]; hk++
       :: else -> break
       od;
       wiped[r] = 0; hk = 0;
       printf("MSC: r%d resynced from r%d: p=%d (w=%d, s=%d)\n", r, (r + 2) % R, p[r], w[r], s[r]);
       monitor()
     }
#else
  /* the fix: wait until nothing sent before the wipe can still count, then read R-Q+1 others
     (for R <= 3 all the others); the answers it gave before the wipe no longer count */
  :: d_step {
       wiped[r] && WAITED_OUT ->
       hi = 1;
       do
       :: hi <= PEERS -> readPeer(r, (r + hi) % R); hi++
       :: else -> break
       od;
#ifndef RESYNC_NOWAIT
       hi = 0;
       do
       :: hi < NACT -> pos[AR(hi, r)] = 0; hi++
       :: else -> break
       od;
#endif
       wiped[r] = 0; hi = 0; hk = 0;
       printf("MSC: r%d resynced from its peers: p=%d (w=%d, s=%d)\n", r, p[r], w[r], s[r]);
       monitor()
     }
#endif
  od
}

init {
  atomic {
    hi = 0;
    do
    :: hi < NACT -> wleft[hi] = (hi == NACT - 1 -> WRITES_LAST : WRITES); hi++
    :: else -> break
    od;
    hi = 0;
    do
    :: hi < NACT ->
       hj = 0;
       do
       :: hj < R -> run Link(hi, hj); hj++
       :: else -> break
       od;
       run Activation(hi);
       hi++
    :: else -> break
    od;
    hj = 0;
    do
    :: hj < R -> run Replica(hj); hj++
    :: else -> break
    od;
    hi = 0; hj = 0
  }
}
