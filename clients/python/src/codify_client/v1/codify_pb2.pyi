from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CodeSystem(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CODE_SYSTEM_UNSPECIFIED: _ClassVar[CodeSystem]
    CODE_SYSTEM_ICD10CM: _ClassVar[CodeSystem]
    CODE_SYSTEM_HCPCS: _ClassVar[CodeSystem]
    CODE_SYSTEM_CPT: _ClassVar[CodeSystem]
    CODE_SYSTEM_ICD10PCS: _ClassVar[CodeSystem]

class CptCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CPT_CATEGORY_UNSPECIFIED: _ClassVar[CptCategory]
    CPT_CATEGORY_I: _ClassVar[CptCategory]
    CPT_CATEGORY_II: _ClassVar[CptCategory]
    CPT_CATEGORY_III: _ClassVar[CptCategory]
    CPT_CATEGORY_PLA: _ClassVar[CptCategory]
    CPT_CATEGORY_MODIFIER: _ClassVar[CptCategory]

class CodeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CODE_KIND_UNSPECIFIED: _ClassVar[CodeKind]
    CODE_KIND_HEADER: _ClassVar[CodeKind]
    CODE_KIND_CODE: _ClassVar[CodeKind]
    CODE_KIND_MODIFIER: _ClassVar[CodeKind]

class HierarchyLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HIERARCHY_LEVEL_UNSPECIFIED: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_CHAPTER: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_SECTION: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_SUBSECTION: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_HEADING: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_SUBHEADING: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_GROUP: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_CODE: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_BODY_SYSTEM: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_TABLE: _ClassVar[HierarchyLevel]
    HIERARCHY_LEVEL_AXIS_VALUE: _ClassVar[HierarchyLevel]

class CodeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CODE_STATUS_UNSPECIFIED: _ClassVar[CodeStatus]
    CODE_STATUS_ACTIVE: _ClassVar[CodeStatus]
    CODE_STATUS_TERMINATED: _ClassVar[CodeStatus]
    CODE_STATUS_NOT_YET_EFFECTIVE: _ClassVar[CodeStatus]
    CODE_STATUS_NO_RELEASE: _ClassVar[CodeStatus]

class MatchType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_TYPE_UNSPECIFIED: _ClassVar[MatchType]
    MATCH_TYPE_EXACT_CODE: _ClassVar[MatchType]
    MATCH_TYPE_CODE_PREFIX: _ClassVar[MatchType]
    MATCH_TYPE_FULL_TITLE: _ClassVar[MatchType]
    MATCH_TYPE_ALL_WORDS_IN_TITLE: _ClassVar[MatchType]
    MATCH_TYPE_OTHER_TEXT: _ClassVar[MatchType]
    MATCH_TYPE_FUZZY: _ClassVar[MatchType]

class DescriptorType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DESCRIPTOR_TYPE_UNSPECIFIED: _ClassVar[DescriptorType]
    DESCRIPTOR_TYPE_MEDIUM: _ClassVar[DescriptorType]
    DESCRIPTOR_TYPE_CONSUMER: _ClassVar[DescriptorType]
    DESCRIPTOR_TYPE_CLINICIAN: _ClassVar[DescriptorType]
    DESCRIPTOR_TYPE_INCLUSION_TERM: _ClassVar[DescriptorType]

class NoteType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTE_TYPE_UNSPECIFIED: _ClassVar[NoteType]
    NOTE_TYPE_INCLUDES: _ClassVar[NoteType]
    NOTE_TYPE_EXCLUDES1: _ClassVar[NoteType]
    NOTE_TYPE_EXCLUDES2: _ClassVar[NoteType]
    NOTE_TYPE_CODE_FIRST: _ClassVar[NoteType]
    NOTE_TYPE_USE_ADDITIONAL_CODE: _ClassVar[NoteType]
    NOTE_TYPE_CODE_ALSO: _ClassVar[NoteType]
    NOTE_TYPE_NOTE: _ClassVar[NoteType]

class ValidityReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VALIDITY_REASON_UNSPECIFIED: _ClassVar[ValidityReason]
    VALIDITY_REASON_VALID: _ClassVar[ValidityReason]
    VALIDITY_REASON_MALFORMED: _ClassVar[ValidityReason]
    VALIDITY_REASON_UNKNOWN: _ClassVar[ValidityReason]
    VALIDITY_REASON_NOT_BILLABLE: _ClassVar[ValidityReason]
    VALIDITY_REASON_TERMINATED: _ClassVar[ValidityReason]
    VALIDITY_REASON_NOT_YET_EFFECTIVE: _ClassVar[ValidityReason]
    VALIDITY_REASON_NO_RELEASE: _ClassVar[ValidityReason]

class ChangeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANGE_TYPE_UNSPECIFIED: _ClassVar[ChangeType]
    CHANGE_TYPE_ADDED: _ClassVar[ChangeType]
    CHANGE_TYPE_TERMINATED: _ClassVar[ChangeType]
    CHANGE_TYPE_REDESCRIBED: _ClassVar[ChangeType]

class IndexPart(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INDEX_PART_UNSPECIFIED: _ClassVar[IndexPart]
    INDEX_PART_MAIN: _ClassVar[IndexPart]
    INDEX_PART_EXTERNAL_CAUSE: _ClassVar[IndexPart]
    INDEX_PART_NEOPLASM: _ClassVar[IndexPart]
    INDEX_PART_DRUG: _ClassVar[IndexPart]

class ClaimType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLAIM_TYPE_UNSPECIFIED: _ClassVar[ClaimType]
    CLAIM_TYPE_PROFESSIONAL: _ClassVar[ClaimType]
    CLAIM_TYPE_INSTITUTIONAL_OUTPATIENT: _ClassVar[ClaimType]
    CLAIM_TYPE_INSTITUTIONAL_INPATIENT: _ClassVar[ClaimType]

class Sex(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEX_UNSPECIFIED: _ClassVar[Sex]
    SEX_FEMALE: _ClassVar[Sex]
    SEX_MALE: _ClassVar[Sex]
    SEX_UNKNOWN: _ClassVar[Sex]

class ClaimEditType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLAIM_EDIT_TYPE_UNSPECIFIED: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_INVALID_CODE: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_DUPLICATE_CODE: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_AGE_CONFLICT: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_SEX_CONFLICT: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_MANIFESTATION_AS_PRINCIPAL: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_EXTERNAL_CAUSE_AS_PRINCIPAL: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_UNACCEPTABLE_PRINCIPAL: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_QUESTIONABLE_ADMISSION: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_UNSPECIFIED_CODE: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_EXCLUDES1: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_CODE_FIRST: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_USE_ADDITIONAL_CODE: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_PTP_CONFLICT: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_MUE_EXCEEDED: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_ADD_ON_WITHOUT_PRIMARY: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_INVALID_MODIFIER: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_NONCOVERED_PROCEDURE: _ClassVar[ClaimEditType]
    CLAIM_EDIT_TYPE_LIMITED_COVERAGE: _ClassVar[ClaimEditType]

class EditSeverity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EDIT_SEVERITY_UNSPECIFIED: _ClassVar[EditSeverity]
    EDIT_SEVERITY_ERROR: _ClassVar[EditSeverity]
    EDIT_SEVERITY_WARNING: _ClassVar[EditSeverity]

class Assertion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSERTION_UNSPECIFIED: _ClassVar[Assertion]
    ASSERTION_PRESENT: _ClassVar[Assertion]
    ASSERTION_NEGATED: _ClassVar[Assertion]
    ASSERTION_POSSIBLE: _ClassVar[Assertion]
    ASSERTION_HYPOTHETICAL: _ClassVar[Assertion]
    ASSERTION_HISTORICAL: _ClassVar[Assertion]
    ASSERTION_FAMILY: _ClassVar[Assertion]

class SpecificityGap(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SPECIFICITY_GAP_UNSPECIFIED: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_LATERALITY: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_TYPE: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_ACUITY: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_ENCOUNTER: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_SITE: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_DETAIL: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_APPROACH: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_DEVICE: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_QUALIFIER: _ClassVar[SpecificityGap]
    SPECIFICITY_GAP_OPERATION: _ClassVar[SpecificityGap]
CODE_SYSTEM_UNSPECIFIED: CodeSystem
CODE_SYSTEM_ICD10CM: CodeSystem
CODE_SYSTEM_HCPCS: CodeSystem
CODE_SYSTEM_CPT: CodeSystem
CODE_SYSTEM_ICD10PCS: CodeSystem
CPT_CATEGORY_UNSPECIFIED: CptCategory
CPT_CATEGORY_I: CptCategory
CPT_CATEGORY_II: CptCategory
CPT_CATEGORY_III: CptCategory
CPT_CATEGORY_PLA: CptCategory
CPT_CATEGORY_MODIFIER: CptCategory
CODE_KIND_UNSPECIFIED: CodeKind
CODE_KIND_HEADER: CodeKind
CODE_KIND_CODE: CodeKind
CODE_KIND_MODIFIER: CodeKind
HIERARCHY_LEVEL_UNSPECIFIED: HierarchyLevel
HIERARCHY_LEVEL_CHAPTER: HierarchyLevel
HIERARCHY_LEVEL_SECTION: HierarchyLevel
HIERARCHY_LEVEL_SUBSECTION: HierarchyLevel
HIERARCHY_LEVEL_HEADING: HierarchyLevel
HIERARCHY_LEVEL_SUBHEADING: HierarchyLevel
HIERARCHY_LEVEL_GROUP: HierarchyLevel
HIERARCHY_LEVEL_CODE: HierarchyLevel
HIERARCHY_LEVEL_BODY_SYSTEM: HierarchyLevel
HIERARCHY_LEVEL_TABLE: HierarchyLevel
HIERARCHY_LEVEL_AXIS_VALUE: HierarchyLevel
CODE_STATUS_UNSPECIFIED: CodeStatus
CODE_STATUS_ACTIVE: CodeStatus
CODE_STATUS_TERMINATED: CodeStatus
CODE_STATUS_NOT_YET_EFFECTIVE: CodeStatus
CODE_STATUS_NO_RELEASE: CodeStatus
MATCH_TYPE_UNSPECIFIED: MatchType
MATCH_TYPE_EXACT_CODE: MatchType
MATCH_TYPE_CODE_PREFIX: MatchType
MATCH_TYPE_FULL_TITLE: MatchType
MATCH_TYPE_ALL_WORDS_IN_TITLE: MatchType
MATCH_TYPE_OTHER_TEXT: MatchType
MATCH_TYPE_FUZZY: MatchType
DESCRIPTOR_TYPE_UNSPECIFIED: DescriptorType
DESCRIPTOR_TYPE_MEDIUM: DescriptorType
DESCRIPTOR_TYPE_CONSUMER: DescriptorType
DESCRIPTOR_TYPE_CLINICIAN: DescriptorType
DESCRIPTOR_TYPE_INCLUSION_TERM: DescriptorType
NOTE_TYPE_UNSPECIFIED: NoteType
NOTE_TYPE_INCLUDES: NoteType
NOTE_TYPE_EXCLUDES1: NoteType
NOTE_TYPE_EXCLUDES2: NoteType
NOTE_TYPE_CODE_FIRST: NoteType
NOTE_TYPE_USE_ADDITIONAL_CODE: NoteType
NOTE_TYPE_CODE_ALSO: NoteType
NOTE_TYPE_NOTE: NoteType
VALIDITY_REASON_UNSPECIFIED: ValidityReason
VALIDITY_REASON_VALID: ValidityReason
VALIDITY_REASON_MALFORMED: ValidityReason
VALIDITY_REASON_UNKNOWN: ValidityReason
VALIDITY_REASON_NOT_BILLABLE: ValidityReason
VALIDITY_REASON_TERMINATED: ValidityReason
VALIDITY_REASON_NOT_YET_EFFECTIVE: ValidityReason
VALIDITY_REASON_NO_RELEASE: ValidityReason
CHANGE_TYPE_UNSPECIFIED: ChangeType
CHANGE_TYPE_ADDED: ChangeType
CHANGE_TYPE_TERMINATED: ChangeType
CHANGE_TYPE_REDESCRIBED: ChangeType
INDEX_PART_UNSPECIFIED: IndexPart
INDEX_PART_MAIN: IndexPart
INDEX_PART_EXTERNAL_CAUSE: IndexPart
INDEX_PART_NEOPLASM: IndexPart
INDEX_PART_DRUG: IndexPart
CLAIM_TYPE_UNSPECIFIED: ClaimType
CLAIM_TYPE_PROFESSIONAL: ClaimType
CLAIM_TYPE_INSTITUTIONAL_OUTPATIENT: ClaimType
CLAIM_TYPE_INSTITUTIONAL_INPATIENT: ClaimType
SEX_UNSPECIFIED: Sex
SEX_FEMALE: Sex
SEX_MALE: Sex
SEX_UNKNOWN: Sex
CLAIM_EDIT_TYPE_UNSPECIFIED: ClaimEditType
CLAIM_EDIT_TYPE_INVALID_CODE: ClaimEditType
CLAIM_EDIT_TYPE_DUPLICATE_CODE: ClaimEditType
CLAIM_EDIT_TYPE_AGE_CONFLICT: ClaimEditType
CLAIM_EDIT_TYPE_SEX_CONFLICT: ClaimEditType
CLAIM_EDIT_TYPE_MANIFESTATION_AS_PRINCIPAL: ClaimEditType
CLAIM_EDIT_TYPE_EXTERNAL_CAUSE_AS_PRINCIPAL: ClaimEditType
CLAIM_EDIT_TYPE_UNACCEPTABLE_PRINCIPAL: ClaimEditType
CLAIM_EDIT_TYPE_QUESTIONABLE_ADMISSION: ClaimEditType
CLAIM_EDIT_TYPE_UNSPECIFIED_CODE: ClaimEditType
CLAIM_EDIT_TYPE_EXCLUDES1: ClaimEditType
CLAIM_EDIT_TYPE_CODE_FIRST: ClaimEditType
CLAIM_EDIT_TYPE_USE_ADDITIONAL_CODE: ClaimEditType
CLAIM_EDIT_TYPE_PTP_CONFLICT: ClaimEditType
CLAIM_EDIT_TYPE_MUE_EXCEEDED: ClaimEditType
CLAIM_EDIT_TYPE_ADD_ON_WITHOUT_PRIMARY: ClaimEditType
CLAIM_EDIT_TYPE_INVALID_MODIFIER: ClaimEditType
CLAIM_EDIT_TYPE_NONCOVERED_PROCEDURE: ClaimEditType
CLAIM_EDIT_TYPE_LIMITED_COVERAGE: ClaimEditType
EDIT_SEVERITY_UNSPECIFIED: EditSeverity
EDIT_SEVERITY_ERROR: EditSeverity
EDIT_SEVERITY_WARNING: EditSeverity
ASSERTION_UNSPECIFIED: Assertion
ASSERTION_PRESENT: Assertion
ASSERTION_NEGATED: Assertion
ASSERTION_POSSIBLE: Assertion
ASSERTION_HYPOTHETICAL: Assertion
ASSERTION_HISTORICAL: Assertion
ASSERTION_FAMILY: Assertion
SPECIFICITY_GAP_UNSPECIFIED: SpecificityGap
SPECIFICITY_GAP_LATERALITY: SpecificityGap
SPECIFICITY_GAP_TYPE: SpecificityGap
SPECIFICITY_GAP_ACUITY: SpecificityGap
SPECIFICITY_GAP_ENCOUNTER: SpecificityGap
SPECIFICITY_GAP_SITE: SpecificityGap
SPECIFICITY_GAP_DETAIL: SpecificityGap
SPECIFICITY_GAP_APPROACH: SpecificityGap
SPECIFICITY_GAP_DEVICE: SpecificityGap
SPECIFICITY_GAP_QUALIFIER: SpecificityGap
SPECIFICITY_GAP_OPERATION: SpecificityGap

class CodeRef(_message.Message):
    __slots__ = ("system", "code")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ...) -> None: ...

class CodeSummary(_message.Message):
    __slots__ = ("system", "code", "normalized_code", "title", "short_title", "billable", "kind", "cpt_category", "release_version")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SHORT_TITLE_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CPT_CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RELEASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    normalized_code: str
    title: str
    short_title: str
    billable: bool
    kind: CodeKind
    cpt_category: CptCategory
    release_version: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., normalized_code: _Optional[str] = ..., title: _Optional[str] = ..., short_title: _Optional[str] = ..., billable: _Optional[bool] = ..., kind: _Optional[_Union[CodeKind, str]] = ..., cpt_category: _Optional[_Union[CptCategory, str]] = ..., release_version: _Optional[str] = ...) -> None: ...

class TextSpan(_message.Message):
    __slots__ = ("start", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class Highlight(_message.Message):
    __slots__ = ("field", "text", "spans")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SPANS_FIELD_NUMBER: _ClassVar[int]
    field: str
    text: str
    spans: _containers.RepeatedCompositeFieldContainer[TextSpan]
    def __init__(self, field: _Optional[str] = ..., text: _Optional[str] = ..., spans: _Optional[_Iterable[_Union[TextSpan, _Mapping]]] = ...) -> None: ...

class SearchCodesRequest(_message.Message):
    __slots__ = ("query", "systems", "billable_only", "cpt_categories", "hierarchy_node", "as_of", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SYSTEMS_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_ONLY_FIELD_NUMBER: _ClassVar[int]
    CPT_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    HIERARCHY_NODE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    systems: _containers.RepeatedScalarFieldContainer[CodeSystem]
    billable_only: bool
    cpt_categories: _containers.RepeatedScalarFieldContainer[CptCategory]
    hierarchy_node: str
    as_of: str
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., systems: _Optional[_Iterable[_Union[CodeSystem, str]]] = ..., billable_only: _Optional[bool] = ..., cpt_categories: _Optional[_Iterable[_Union[CptCategory, str]]] = ..., hierarchy_node: _Optional[str] = ..., as_of: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchResult(_message.Message):
    __slots__ = ("code", "match_type", "highlights")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MATCH_TYPE_FIELD_NUMBER: _ClassVar[int]
    HIGHLIGHTS_FIELD_NUMBER: _ClassVar[int]
    code: CodeSummary
    match_type: MatchType
    highlights: _containers.RepeatedCompositeFieldContainer[Highlight]
    def __init__(self, code: _Optional[_Union[CodeSummary, _Mapping]] = ..., match_type: _Optional[_Union[MatchType, str]] = ..., highlights: _Optional[_Iterable[_Union[Highlight, _Mapping]]] = ...) -> None: ...

class SearchCodesResponse(_message.Message):
    __slots__ = ("results", "next_page_token", "total_size", "as_of")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SearchResult]
    next_page_token: str
    total_size: int
    as_of: str
    def __init__(self, results: _Optional[_Iterable[_Union[SearchResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., as_of: _Optional[str] = ...) -> None: ...

class Descriptor(_message.Message):
    __slots__ = ("type", "text")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    type: DescriptorType
    text: str
    def __init__(self, type: _Optional[_Union[DescriptorType, str]] = ..., text: _Optional[str] = ...) -> None: ...

class Note(_message.Message):
    __slots__ = ("type", "text", "source")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    type: NoteType
    text: str
    source: str
    def __init__(self, type: _Optional[_Union[NoteType, str]] = ..., text: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class HierarchyStep(_message.Message):
    __slots__ = ("id", "level", "title")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    level: HierarchyLevel
    title: str
    def __init__(self, id: _Optional[str] = ..., level: _Optional[_Union[HierarchyLevel, str]] = ..., title: _Optional[str] = ...) -> None: ...

class Release(_message.Message):
    __slots__ = ("system", "version", "effective_from", "effective_to", "code_count", "billable_count", "source_files", "node_count")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    CODE_COUNT_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FILES_FIELD_NUMBER: _ClassVar[int]
    NODE_COUNT_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    version: str
    effective_from: str
    effective_to: str
    code_count: int
    billable_count: int
    source_files: _containers.RepeatedScalarFieldContainer[str]
    node_count: int
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., version: _Optional[str] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ..., code_count: _Optional[int] = ..., billable_count: _Optional[int] = ..., source_files: _Optional[_Iterable[str]] = ..., node_count: _Optional[int] = ...) -> None: ...

class Code(_message.Message):
    __slots__ = ("summary", "status", "as_of", "release", "descriptors", "notes", "path", "parent_code", "added_date", "action_effective_date", "termination_date", "action_code", "replacements", "betos", "coverage", "child_codes", "history", "hccs", "pcs_axes")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTORS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    PARENT_CODE_FIELD_NUMBER: _ClassVar[int]
    ADDED_DATE_FIELD_NUMBER: _ClassVar[int]
    ACTION_EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_DATE_FIELD_NUMBER: _ClassVar[int]
    ACTION_CODE_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    BETOS_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    CHILD_CODES_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    HCCS_FIELD_NUMBER: _ClassVar[int]
    PCS_AXES_FIELD_NUMBER: _ClassVar[int]
    summary: CodeSummary
    status: CodeStatus
    as_of: str
    release: Release
    descriptors: _containers.RepeatedCompositeFieldContainer[Descriptor]
    notes: _containers.RepeatedCompositeFieldContainer[Note]
    path: _containers.RepeatedCompositeFieldContainer[HierarchyStep]
    parent_code: str
    added_date: str
    action_effective_date: str
    termination_date: str
    action_code: str
    replacements: _containers.RepeatedScalarFieldContainer[str]
    betos: str
    coverage: str
    child_codes: _containers.RepeatedScalarFieldContainer[str]
    history: _containers.RepeatedCompositeFieldContainer[HistoryEvent]
    hccs: _containers.RepeatedCompositeFieldContainer[CodeHcc]
    pcs_axes: _containers.RepeatedCompositeFieldContainer[PcsAxis]
    def __init__(self, summary: _Optional[_Union[CodeSummary, _Mapping]] = ..., status: _Optional[_Union[CodeStatus, str]] = ..., as_of: _Optional[str] = ..., release: _Optional[_Union[Release, _Mapping]] = ..., descriptors: _Optional[_Iterable[_Union[Descriptor, _Mapping]]] = ..., notes: _Optional[_Iterable[_Union[Note, _Mapping]]] = ..., path: _Optional[_Iterable[_Union[HierarchyStep, _Mapping]]] = ..., parent_code: _Optional[str] = ..., added_date: _Optional[str] = ..., action_effective_date: _Optional[str] = ..., termination_date: _Optional[str] = ..., action_code: _Optional[str] = ..., replacements: _Optional[_Iterable[str]] = ..., betos: _Optional[str] = ..., coverage: _Optional[str] = ..., child_codes: _Optional[_Iterable[str]] = ..., history: _Optional[_Iterable[_Union[HistoryEvent, _Mapping]]] = ..., hccs: _Optional[_Iterable[_Union[CodeHcc, _Mapping]]] = ..., pcs_axes: _Optional[_Iterable[_Union[PcsAxis, _Mapping]]] = ...) -> None: ...

class PcsAxis(_message.Message):
    __slots__ = ("position", "name", "value", "label", "definition", "explanation")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    DEFINITION_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    position: int
    name: str
    value: str
    label: str
    definition: str
    explanation: str
    def __init__(self, position: _Optional[int] = ..., name: _Optional[str] = ..., value: _Optional[str] = ..., label: _Optional[str] = ..., definition: _Optional[str] = ..., explanation: _Optional[str] = ...) -> None: ...

class CodeHcc(_message.Message):
    __slots__ = ("model", "hcc", "label", "payment_year")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    HCC_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_YEAR_FIELD_NUMBER: _ClassVar[int]
    model: str
    hcc: int
    label: str
    payment_year: str
    def __init__(self, model: _Optional[str] = ..., hcc: _Optional[int] = ..., label: _Optional[str] = ..., payment_year: _Optional[str] = ...) -> None: ...

class GetCodeRequest(_message.Message):
    __slots__ = ("system", "code", "as_of")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    as_of: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., as_of: _Optional[str] = ...) -> None: ...

class GetCodeResponse(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: Code
    def __init__(self, code: _Optional[_Union[Code, _Mapping]] = ...) -> None: ...

class BatchGetCodesRequest(_message.Message):
    __slots__ = ("codes", "as_of")
    CODES_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    codes: _containers.RepeatedCompositeFieldContainer[CodeRef]
    as_of: str
    def __init__(self, codes: _Optional[_Iterable[_Union[CodeRef, _Mapping]]] = ..., as_of: _Optional[str] = ...) -> None: ...

class BatchGetCodesResult(_message.Message):
    __slots__ = ("requested", "found", "code")
    REQUESTED_FIELD_NUMBER: _ClassVar[int]
    FOUND_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    requested: CodeRef
    found: bool
    code: Code
    def __init__(self, requested: _Optional[_Union[CodeRef, _Mapping]] = ..., found: _Optional[bool] = ..., code: _Optional[_Union[Code, _Mapping]] = ...) -> None: ...

class BatchGetCodesResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[BatchGetCodesResult]
    def __init__(self, results: _Optional[_Iterable[_Union[BatchGetCodesResult, _Mapping]]] = ...) -> None: ...

class ValidationItem(_message.Message):
    __slots__ = ("system", "code", "date_of_service")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_SERVICE_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    date_of_service: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., date_of_service: _Optional[str] = ...) -> None: ...

class ValidateCodesRequest(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ValidationItem]
    def __init__(self, items: _Optional[_Iterable[_Union[ValidationItem, _Mapping]]] = ...) -> None: ...

class ValidationResult(_message.Message):
    __slots__ = ("valid", "reason", "normalized_code", "display_code", "message", "termination_date", "replacements", "effective_date", "release_version", "title", "invalid_position")
    VALID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_DATE_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_DATE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    INVALID_POSITION_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    reason: ValidityReason
    normalized_code: str
    display_code: str
    message: str
    termination_date: str
    replacements: _containers.RepeatedScalarFieldContainer[str]
    effective_date: str
    release_version: str
    title: str
    invalid_position: int
    def __init__(self, valid: _Optional[bool] = ..., reason: _Optional[_Union[ValidityReason, str]] = ..., normalized_code: _Optional[str] = ..., display_code: _Optional[str] = ..., message: _Optional[str] = ..., termination_date: _Optional[str] = ..., replacements: _Optional[_Iterable[str]] = ..., effective_date: _Optional[str] = ..., release_version: _Optional[str] = ..., title: _Optional[str] = ..., invalid_position: _Optional[int] = ...) -> None: ...

class ValidateCodesResponse(_message.Message):
    __slots__ = ("results", "valid_count")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    VALID_COUNT_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ValidationResult]
    valid_count: int
    def __init__(self, results: _Optional[_Iterable[_Union[ValidationResult, _Mapping]]] = ..., valid_count: _Optional[int] = ...) -> None: ...

class ListChildrenRequest(_message.Message):
    __slots__ = ("system", "parent", "as_of", "page_size", "page_token")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    parent: str
    as_of: str
    page_size: int
    page_token: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., parent: _Optional[str] = ..., as_of: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class HierarchyChild(_message.Message):
    __slots__ = ("id", "level", "title", "range_start", "range_end", "has_children", "code")
    ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    RANGE_START_FIELD_NUMBER: _ClassVar[int]
    RANGE_END_FIELD_NUMBER: _ClassVar[int]
    HAS_CHILDREN_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    id: str
    level: HierarchyLevel
    title: str
    range_start: str
    range_end: str
    has_children: bool
    code: CodeSummary
    def __init__(self, id: _Optional[str] = ..., level: _Optional[_Union[HierarchyLevel, str]] = ..., title: _Optional[str] = ..., range_start: _Optional[str] = ..., range_end: _Optional[str] = ..., has_children: _Optional[bool] = ..., code: _Optional[_Union[CodeSummary, _Mapping]] = ...) -> None: ...

class ListChildrenResponse(_message.Message):
    __slots__ = ("children", "next_page_token", "path", "release_version")
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    RELEASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    children: _containers.RepeatedCompositeFieldContainer[HierarchyChild]
    next_page_token: str
    path: _containers.RepeatedCompositeFieldContainer[HierarchyStep]
    release_version: str
    def __init__(self, children: _Optional[_Iterable[_Union[HierarchyChild, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., path: _Optional[_Iterable[_Union[HierarchyStep, _Mapping]]] = ..., release_version: _Optional[str] = ...) -> None: ...

class HistoryEvent(_message.Message):
    __slots__ = ("type", "release_version", "effective_from", "old_title", "new_title")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    OLD_TITLE_FIELD_NUMBER: _ClassVar[int]
    NEW_TITLE_FIELD_NUMBER: _ClassVar[int]
    type: ChangeType
    release_version: str
    effective_from: str
    old_title: str
    new_title: str
    def __init__(self, type: _Optional[_Union[ChangeType, str]] = ..., release_version: _Optional[str] = ..., effective_from: _Optional[str] = ..., old_title: _Optional[str] = ..., new_title: _Optional[str] = ...) -> None: ...

class DiffReleasesRequest(_message.Message):
    __slots__ = ("system", "from_version", "to_version")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    FROM_VERSION_FIELD_NUMBER: _ClassVar[int]
    TO_VERSION_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    from_version: str
    to_version: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., from_version: _Optional[str] = ..., to_version: _Optional[str] = ...) -> None: ...

class CodeChange(_message.Message):
    __slots__ = ("type", "code", "old_title", "new_title", "old_short_title", "new_short_title", "termination_date", "replacements")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    OLD_TITLE_FIELD_NUMBER: _ClassVar[int]
    NEW_TITLE_FIELD_NUMBER: _ClassVar[int]
    OLD_SHORT_TITLE_FIELD_NUMBER: _ClassVar[int]
    NEW_SHORT_TITLE_FIELD_NUMBER: _ClassVar[int]
    TERMINATION_DATE_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    type: ChangeType
    code: str
    old_title: str
    new_title: str
    old_short_title: str
    new_short_title: str
    termination_date: str
    replacements: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, type: _Optional[_Union[ChangeType, str]] = ..., code: _Optional[str] = ..., old_title: _Optional[str] = ..., new_title: _Optional[str] = ..., old_short_title: _Optional[str] = ..., new_short_title: _Optional[str] = ..., termination_date: _Optional[str] = ..., replacements: _Optional[_Iterable[str]] = ...) -> None: ...

class DiffReleasesResponse(_message.Message):
    __slots__ = ("changes", "added_count", "terminated_count", "redescribed_count")
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    ADDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    TERMINATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REDESCRIBED_COUNT_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[CodeChange]
    added_count: int
    terminated_count: int
    redescribed_count: int
    def __init__(self, changes: _Optional[_Iterable[_Union[CodeChange, _Mapping]]] = ..., added_count: _Optional[int] = ..., terminated_count: _Optional[int] = ..., redescribed_count: _Optional[int] = ...) -> None: ...

class ExportCodesRequest(_message.Message):
    __slots__ = ("system", "version")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    version: str
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., version: _Optional[str] = ...) -> None: ...

class ExportCodesResponse(_message.Message):
    __slots__ = ("release", "codes")
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    CODES_FIELD_NUMBER: _ClassVar[int]
    release: Release
    codes: _containers.RepeatedCompositeFieldContainer[Code]
    def __init__(self, release: _Optional[_Union[Release, _Mapping]] = ..., codes: _Optional[_Iterable[_Union[Code, _Mapping]]] = ...) -> None: ...

class ListReleasesRequest(_message.Message):
    __slots__ = ("system",)
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ...) -> None: ...

class ListReleasesResponse(_message.Message):
    __slots__ = ("releases", "data_sets")
    RELEASES_FIELD_NUMBER: _ClassVar[int]
    DATA_SETS_FIELD_NUMBER: _ClassVar[int]
    releases: _containers.RepeatedCompositeFieldContainer[Release]
    data_sets: _containers.RepeatedCompositeFieldContainer[DataSet]
    def __init__(self, releases: _Optional[_Iterable[_Union[Release, _Mapping]]] = ..., data_sets: _Optional[_Iterable[_Union[DataSet, _Mapping]]] = ...) -> None: ...

class DataSet(_message.Message):
    __slots__ = ("name", "system", "version", "effective_from", "effective_to", "entry_count", "source_files")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FILES_FIELD_NUMBER: _ClassVar[int]
    name: str
    system: CodeSystem
    version: str
    effective_from: str
    effective_to: str
    entry_count: int
    source_files: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., system: _Optional[_Union[CodeSystem, str]] = ..., version: _Optional[str] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ..., entry_count: _Optional[int] = ..., source_files: _Optional[_Iterable[str]] = ...) -> None: ...

class LookupIndexRequest(_message.Message):
    __slots__ = ("query", "as_of", "page_size", "page_token")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    query: str
    as_of: str
    page_size: int
    page_token: str
    def __init__(self, query: _Optional[str] = ..., as_of: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class LookupIndexResponse(_message.Message):
    __slots__ = ("entries", "next_page_token", "total_size", "index_version", "release_version")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    INDEX_VERSION_FIELD_NUMBER: _ClassVar[int]
    RELEASE_VERSION_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[IndexEntry]
    next_page_token: str
    total_size: int
    index_version: str
    release_version: str
    def __init__(self, entries: _Optional[_Iterable[_Union[IndexEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., index_version: _Optional[str] = ..., release_version: _Optional[str] = ...) -> None: ...

class ListIndexChildrenRequest(_message.Message):
    __slots__ = ("parent", "part", "as_of", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    part: IndexPart
    as_of: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., part: _Optional[_Union[IndexPart, str]] = ..., as_of: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListIndexChildrenResponse(_message.Message):
    __slots__ = ("entries", "next_page_token", "total_size", "index_version")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    INDEX_VERSION_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[IndexEntry]
    next_page_token: str
    total_size: int
    index_version: str
    def __init__(self, entries: _Optional[_Iterable[_Union[IndexEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., index_version: _Optional[str] = ...) -> None: ...

class IndexEntry(_message.Message):
    __slots__ = ("id", "part", "path", "code", "missing_characters", "code_title", "billable", "column", "see", "see_target", "see_also", "see_also_target", "nonessential", "has_children", "cells")
    ID_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MISSING_CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    CODE_TITLE_FIELD_NUMBER: _ClassVar[int]
    BILLABLE_FIELD_NUMBER: _ClassVar[int]
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    SEE_FIELD_NUMBER: _ClassVar[int]
    SEE_TARGET_FIELD_NUMBER: _ClassVar[int]
    SEE_ALSO_FIELD_NUMBER: _ClassVar[int]
    SEE_ALSO_TARGET_FIELD_NUMBER: _ClassVar[int]
    NONESSENTIAL_FIELD_NUMBER: _ClassVar[int]
    HAS_CHILDREN_FIELD_NUMBER: _ClassVar[int]
    CELLS_FIELD_NUMBER: _ClassVar[int]
    id: str
    part: IndexPart
    path: _containers.RepeatedScalarFieldContainer[str]
    code: str
    missing_characters: str
    code_title: str
    billable: bool
    column: str
    see: str
    see_target: IndexReference
    see_also: str
    see_also_target: IndexReference
    nonessential: _containers.RepeatedScalarFieldContainer[str]
    has_children: bool
    cells: _containers.RepeatedCompositeFieldContainer[IndexCell]
    def __init__(self, id: _Optional[str] = ..., part: _Optional[_Union[IndexPart, str]] = ..., path: _Optional[_Iterable[str]] = ..., code: _Optional[str] = ..., missing_characters: _Optional[str] = ..., code_title: _Optional[str] = ..., billable: _Optional[bool] = ..., column: _Optional[str] = ..., see: _Optional[str] = ..., see_target: _Optional[_Union[IndexReference, _Mapping]] = ..., see_also: _Optional[str] = ..., see_also_target: _Optional[_Union[IndexReference, _Mapping]] = ..., nonessential: _Optional[_Iterable[str]] = ..., has_children: _Optional[bool] = ..., cells: _Optional[_Iterable[_Union[IndexCell, _Mapping]]] = ...) -> None: ...

class IndexReference(_message.Message):
    __slots__ = ("id", "path", "code")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    id: str
    path: _containers.RepeatedScalarFieldContainer[str]
    code: str
    def __init__(self, id: _Optional[str] = ..., path: _Optional[_Iterable[str]] = ..., code: _Optional[str] = ...) -> None: ...

class IndexCell(_message.Message):
    __slots__ = ("column", "code")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    column: str
    code: str
    def __init__(self, column: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class CheckClaimRequest(_message.Message):
    __slots__ = ("claim_type", "date_of_service", "patient_age", "patient_birth_date", "patient_sex", "diagnoses", "admitting_diagnosis", "lines", "procedures")
    CLAIM_TYPE_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_SERVICE_FIELD_NUMBER: _ClassVar[int]
    PATIENT_AGE_FIELD_NUMBER: _ClassVar[int]
    PATIENT_BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    PATIENT_SEX_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    ADMITTING_DIAGNOSIS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    PROCEDURES_FIELD_NUMBER: _ClassVar[int]
    claim_type: ClaimType
    date_of_service: str
    patient_age: int
    patient_birth_date: str
    patient_sex: Sex
    diagnoses: _containers.RepeatedScalarFieldContainer[str]
    admitting_diagnosis: str
    lines: _containers.RepeatedCompositeFieldContainer[ServiceLine]
    procedures: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, claim_type: _Optional[_Union[ClaimType, str]] = ..., date_of_service: _Optional[str] = ..., patient_age: _Optional[int] = ..., patient_birth_date: _Optional[str] = ..., patient_sex: _Optional[_Union[Sex, str]] = ..., diagnoses: _Optional[_Iterable[str]] = ..., admitting_diagnosis: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[ServiceLine, _Mapping]]] = ..., procedures: _Optional[_Iterable[str]] = ...) -> None: ...

class ServiceLine(_message.Message):
    __slots__ = ("system", "code", "modifiers", "units", "date_of_service", "diagnosis_pointers")
    SYSTEM_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MODIFIERS_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_SERVICE_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSIS_POINTERS_FIELD_NUMBER: _ClassVar[int]
    system: CodeSystem
    code: str
    modifiers: _containers.RepeatedScalarFieldContainer[str]
    units: int
    date_of_service: str
    diagnosis_pointers: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, system: _Optional[_Union[CodeSystem, str]] = ..., code: _Optional[str] = ..., modifiers: _Optional[_Iterable[str]] = ..., units: _Optional[int] = ..., date_of_service: _Optional[str] = ..., diagnosis_pointers: _Optional[_Iterable[int]] = ...) -> None: ...

class CheckClaimResponse(_message.Message):
    __slots__ = ("edits", "rule_sets", "rule_sets_unavailable", "hccs")
    EDITS_FIELD_NUMBER: _ClassVar[int]
    RULE_SETS_FIELD_NUMBER: _ClassVar[int]
    RULE_SETS_UNAVAILABLE_FIELD_NUMBER: _ClassVar[int]
    HCCS_FIELD_NUMBER: _ClassVar[int]
    edits: _containers.RepeatedCompositeFieldContainer[ClaimEdit]
    rule_sets: _containers.RepeatedCompositeFieldContainer[RuleSetUse]
    rule_sets_unavailable: _containers.RepeatedCompositeFieldContainer[RuleSetUse]
    hccs: _containers.RepeatedCompositeFieldContainer[ClaimHcc]
    def __init__(self, edits: _Optional[_Iterable[_Union[ClaimEdit, _Mapping]]] = ..., rule_sets: _Optional[_Iterable[_Union[RuleSetUse, _Mapping]]] = ..., rule_sets_unavailable: _Optional[_Iterable[_Union[RuleSetUse, _Mapping]]] = ..., hccs: _Optional[_Iterable[_Union[ClaimHcc, _Mapping]]] = ...) -> None: ...

class ClaimHcc(_message.Message):
    __slots__ = ("model", "hcc", "label", "diagnoses", "payment_year")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    HCC_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    DIAGNOSES_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_YEAR_FIELD_NUMBER: _ClassVar[int]
    model: str
    hcc: int
    label: str
    diagnoses: _containers.RepeatedScalarFieldContainer[str]
    payment_year: str
    def __init__(self, model: _Optional[str] = ..., hcc: _Optional[int] = ..., label: _Optional[str] = ..., diagnoses: _Optional[_Iterable[str]] = ..., payment_year: _Optional[str] = ...) -> None: ...

class ClaimEdit(_message.Message):
    __slots__ = ("type", "severity", "codes", "positions", "message", "source", "modifier_bypasses", "bypass_modifiers")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CODES_FIELD_NUMBER: _ClassVar[int]
    POSITIONS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    MODIFIER_BYPASSES_FIELD_NUMBER: _ClassVar[int]
    BYPASS_MODIFIERS_FIELD_NUMBER: _ClassVar[int]
    type: ClaimEditType
    severity: EditSeverity
    codes: _containers.RepeatedScalarFieldContainer[str]
    positions: _containers.RepeatedScalarFieldContainer[str]
    message: str
    source: EditSource
    modifier_bypasses: bool
    bypass_modifiers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, type: _Optional[_Union[ClaimEditType, str]] = ..., severity: _Optional[_Union[EditSeverity, str]] = ..., codes: _Optional[_Iterable[str]] = ..., positions: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ..., source: _Optional[_Union[EditSource, _Mapping]] = ..., modifier_bypasses: _Optional[bool] = ..., bypass_modifiers: _Optional[_Iterable[str]] = ...) -> None: ...

class EditSource(_message.Message):
    __slots__ = ("rule_set", "version", "text")
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    rule_set: str
    version: str
    text: str
    def __init__(self, rule_set: _Optional[str] = ..., version: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class RuleSetUse(_message.Message):
    __slots__ = ("name", "version", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CheckClaimsRequest(_message.Message):
    __slots__ = ("claims",)
    CLAIMS_FIELD_NUMBER: _ClassVar[int]
    claims: _containers.RepeatedCompositeFieldContainer[CheckClaimRequest]
    def __init__(self, claims: _Optional[_Iterable[_Union[CheckClaimRequest, _Mapping]]] = ...) -> None: ...

class CheckClaimsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[CheckClaimResponse]
    def __init__(self, results: _Optional[_Iterable[_Union[CheckClaimResponse, _Mapping]]] = ...) -> None: ...

class SuggestCodesRequest(_message.Message):
    __slots__ = ("text", "systems", "date_of_service", "max_suggestions", "include_uncodable")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SYSTEMS_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_SERVICE_FIELD_NUMBER: _ClassVar[int]
    MAX_SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_UNCODABLE_FIELD_NUMBER: _ClassVar[int]
    text: str
    systems: _containers.RepeatedScalarFieldContainer[CodeSystem]
    date_of_service: str
    max_suggestions: int
    include_uncodable: bool
    def __init__(self, text: _Optional[str] = ..., systems: _Optional[_Iterable[_Union[CodeSystem, str]]] = ..., date_of_service: _Optional[str] = ..., max_suggestions: _Optional[int] = ..., include_uncodable: _Optional[bool] = ...) -> None: ...

class SuggestCodesResponse(_message.Message):
    __slots__ = ("suggestions", "mentions")
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    MENTIONS_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[CodeSuggestion]
    mentions: _containers.RepeatedCompositeFieldContainer[UncodableMention]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[CodeSuggestion, _Mapping]]] = ..., mentions: _Optional[_Iterable[_Union[UncodableMention, _Mapping]]] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("start", "end", "text")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    text: str
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class CodeSuggestion(_message.Message):
    __slots__ = ("code", "score", "evidence", "assertion", "triggers", "section", "lacks", "query_hint")
    CODE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ASSERTION_FIELD_NUMBER: _ClassVar[int]
    TRIGGERS_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    LACKS_FIELD_NUMBER: _ClassVar[int]
    QUERY_HINT_FIELD_NUMBER: _ClassVar[int]
    code: CodeSummary
    score: float
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    assertion: Assertion
    triggers: _containers.RepeatedCompositeFieldContainer[Evidence]
    section: str
    lacks: _containers.RepeatedScalarFieldContainer[SpecificityGap]
    query_hint: str
    def __init__(self, code: _Optional[_Union[CodeSummary, _Mapping]] = ..., score: _Optional[float] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., assertion: _Optional[_Union[Assertion, str]] = ..., triggers: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., section: _Optional[str] = ..., lacks: _Optional[_Iterable[_Union[SpecificityGap, str]]] = ..., query_hint: _Optional[str] = ...) -> None: ...

class UncodableMention(_message.Message):
    __slots__ = ("code", "evidence", "assertion", "triggers", "section")
    CODE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    ASSERTION_FIELD_NUMBER: _ClassVar[int]
    TRIGGERS_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    code: CodeSummary
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    assertion: Assertion
    triggers: _containers.RepeatedCompositeFieldContainer[Evidence]
    section: str
    def __init__(self, code: _Optional[_Union[CodeSummary, _Mapping]] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., assertion: _Optional[_Union[Assertion, str]] = ..., triggers: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., section: _Optional[str] = ...) -> None: ...
